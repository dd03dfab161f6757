package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.TransformContract;

/** Under its limit, a limit passes every byte on unchanged. */
class LimitTransformTest extends TransformContract {

  @Override
  protected Transform transform() {
    return Transforms.limit(10_000);
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) {
    assertThat(output).isEqualTo(input);
  }
}
