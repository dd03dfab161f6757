/**
 * JMH micro-benchmarks and the whole-process harness. They run from the shaded benchmarks jar on
 * the class path (which leaves every module-info out); the module is declared so that the compiler
 * checks that benchmarks use only the other modules' API.
 */
module dev.sluice.bench {
  requires dev.sluice.core;
  requires dev.sluice.s3;
  requires dev.sluice.redis;
  requires jmh.core;
  requires com.fasterxml.jackson.databind;
  requires java.management;
  requires jdk.management;
}
