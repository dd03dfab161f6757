package dev.sluice.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The architecture rules every module's {@code ArchitectureTest} checks against its own classes:
 * run from a module's folder, {@link #mainClasses()} and {@link #testClasses()} import what that
 * module compiled.
 *
 * <ul>
 *   <li><b>Every implementation runs its contract suite.</b> A named, concrete class of the main
 *       code that implements {@link Source}, {@link Sink}, {@link Transform} (or the records
 *       module's {@code RowSink}, run behind a parsing sink) must be made by a subclass of {@link
 *       SourceContract}, {@link SinkContract} or {@link TransformContract} in the same module's
 *       tests: the subclass's {@code newSource}, {@code newSink} or {@code transform} constructs
 *       it, directly or through up to {@value #FACTORY_HOPS} calls of main code (a factory such as
 *       {@code Sinks.file(path)} or a builder's {@code build()}). Anonymous classes and lambdas are
 *       left out: they are tested through the named factory that returns them. A class may be
 *       exempted by name, with its reason where the rule is applied.
 *   <li><b>No module uses another module's internals.</b> A class of module {@code m} (package
 *       {@code dev.sluice.m..}) depends on no class of a package {@code ..internal..} outside
 *       {@code dev.sluice.m..}.
 *   <li><b>No cycle between packages.</b> Each package is a slice, except that a module's {@code
 *       x.internal} counts as part of {@code x} (an API package and its implementation may call
 *       each other); core has no internal package, so each of its packages is its own slice.
 *   <li><b>Core depends on no other module.</b> No class of {@code dev.sluice.core..} depends on a
 *       class of another module's packages.
 *   <li><b>Every module is a named module exporting no internal package.</b> The module's build
 *       output holds a {@code module-info.class}, and none of its exported packages is named {@code
 *       internal}.
 * </ul>
 */
public final class ArchitectureRules {

  /** How many calls through main code may separate a contract test from a constructor call. */
  static final int FACTORY_HOPS = 3;

  private static final Path MAIN = Path.of("target", "classes");
  private static final Path TESTS = Path.of("target", "test-classes");

  private ArchitectureRules() {}

  /** The module's main classes, imported from its build output. */
  public static JavaClasses mainClasses() {
    return importFrom(MAIN);
  }

  /**
   * The module's test classes with its main classes (so that the calls of a factory the tests use
   * are known), imported from its build output.
   */
  public static JavaClasses testClasses() {
    return importFrom(TESTS, MAIN);
  }

  private static JavaClasses importFrom(Path... folders) {
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        throw new IllegalStateException(
            "no compiled classes in " + folder.toAbsolutePath() + ": run from the module's folder");
      }
    }
    return new ClassFileImporter().importPaths(folders);
  }

  /** The records module's sink of parsed rows: a sink the byte contract runs behind a parser. */
  private static final String ROW_SINK = "dev.sluice.records.RowSink";

  /** Concrete, named implementations of Source, Sink, Transform or RowSink. */
  static final DescribedPredicate<JavaClass> IMPLEMENTATIONS =
      DescribedPredicate.describe(
          "implementations of Source, Sink, Transform or RowSink",
          c ->
              !c.isInterface()
                  && !c.getModifiers().contains(JavaModifier.ABSTRACT)
                  && !c.isAnonymousClass()
                  && !c.isLocalClass()
                  && (c.isAssignableTo(Source.class)
                      || c.isAssignableTo(Sink.class)
                      || c.isAssignableTo(Transform.class)
                      || c.isAssignableTo(ROW_SINK)));

  /**
   * Every named Source, Sink, Transform and RowSink of {@code main} not named in {@code exempt} is
   * made by a contract suite of {@code tests} (see the class comment for what that means).
   */
  public static ArchRule everyImplementationRunsAContractSuite(
      JavaClasses tests, String... exempt) {
    Set<String> covered = reachedByContractSuites(tests);
    Set<String> exempted = Set.of(exempt);
    return classes()
        .that(IMPLEMENTATIONS)
        .and(DescribedPredicate.describe("are not exempted", c -> !exempted.contains(c.getName())))
        .should(
            new ArchCondition<JavaClass>(
                "be run by a subclass of SourceContract, SinkContract or TransformContract") {
              @Override
              public void check(JavaClass implementation, ConditionEvents events) {
                boolean ok = covered.contains(implementation.getName());
                events.add(
                    new SimpleConditionEvent(
                        implementation,
                        ok,
                        implementation.getName()
                            + (ok ? " is" : " is not")
                            + " reached by a contract suite of this module"));
              }
            })
        .allowEmptyShould(true);
  }

  /** The methods through which a contract suite gets the object it tests. */
  private static final Set<String> FACTORY_METHODS = Set.of("newSource", "newSink", "transform");

  /**
   * The names of the classes the contract suites of {@code tests} reach from their factory methods
   * ({@code newSource}, {@code newSink}, {@code transform}) and constructors: classes whose
   * constructors they call, directly or through up to {@value #FACTORY_HOPS} calls (or method
   * references) of main code or of the suite's own classes.
   */
  static Set<String> reachedByContractSuites(JavaClasses tests) {
    Set<String> reached = new HashSet<>();
    List<JavaClass> suites =
        tests.stream()
            .filter(
                c ->
                    c.isAssignableTo(SourceContract.class)
                        || c.isAssignableTo(SinkContract.class)
                        || c.isAssignableTo(TransformContract.class))
            .filter(c -> !isContractKit(c))
            .toList();
    for (JavaClass suite : suites) {
      // the factory methods, and the constructors that may hand them a factory (a supplier)
      Deque<JavaCodeUnit> start = new ArrayDeque<>();
      suite.getAllMethods().stream()
          .filter(m -> FACTORY_METHODS.contains(m.getName()))
          .filter(m -> !isContractKit(m.getOwner()))
          .forEach(start::add);
      suite.getClassHierarchy().stream()
          .filter(c -> !isContractKit(c))
          .forEach(c -> start.addAll(c.getConstructors()));
      Deque<JavaCodeUnit> frontier = start;
      Set<JavaCodeUnit> seen = new HashSet<>(frontier);
      for (int hop = 0; hop <= FACTORY_HOPS && !frontier.isEmpty(); hop++) {
        Deque<JavaCodeUnit> next = new ArrayDeque<>();
        for (JavaCodeUnit unit : frontier) {
          // calls, and method references such as Transforms::sha256
          unit.getAccessesFromSelf()
              .forEach(
                  access ->
                      access
                          .getTarget()
                          .resolveMember()
                          .filter(JavaCodeUnit.class::isInstance)
                          .map(JavaCodeUnit.class::cast)
                          .ifPresent(
                              target -> {
                                JavaClass owner = target.getOwner();
                                if (target instanceof JavaConstructor) {
                                  reached.add(owner.getName()); // an instance is made
                                }
                                boolean followable =
                                    isMainCode(owner)
                                        || suite.getClassHierarchy().contains(owner)
                                        || owner.getName().startsWith(suite.getName());
                                if (followable && seen.add(target)) {
                                  next.add(target);
                                }
                              }));
        }
        frontier = next;
      }
    }
    return reached;
  }

  private static boolean isContractKit(JavaClass owner) {
    return owner.getPackageName().equals(SourceContract.class.getPackageName());
  }

  private static boolean isMainCode(JavaClass owner) {
    return owner.getPackageName().startsWith("dev.sluice.")
        && owner.getSource().map(s -> !s.getUri().toString().contains("test-classes")).orElse(false)
        && !owner.getPackageName().startsWith(SourceContract.class.getPackageName());
  }

  /**
   * No class depends on another module's {@code ..internal..} package, except on the classes named
   * in {@code exempt} (each with its reason at the call site).
   */
  public static ArchRule noModuleUsesAnotherModulesInternals(String... exempt) {
    Set<String> exempted = Set.of(exempt);
    return noClasses()
        .should(
            new ArchCondition<JavaClass>("use another module's internal package") {
              @Override
              public void check(JavaClass origin, ConditionEvents events) {
                String module = moduleOf(origin.getPackageName());
                origin
                    .getDirectDependenciesFromSelf()
                    .forEach(
                        d -> {
                          String target = d.getTargetClass().getPackageName();
                          boolean foreignInternal =
                              target.startsWith("dev.sluice.")
                                  && (target.endsWith(".internal") || target.contains(".internal."))
                                  && !moduleOf(target).equals(module)
                                  && !exempted.contains(d.getTargetClass().getName());
                          if (foreignInternal) {
                            events.add(SimpleConditionEvent.satisfied(d, d.getDescription()));
                          }
                        });
              }
            })
        .allowEmptyShould(true);
  }

  /**
   * {@code http} for {@code dev.sluice.http.internal}, {@code core} for {@code
   * dev.sluice.core.job}.
   */
  static String moduleOf(String packageName) {
    String rest = packageName.startsWith("dev.sluice.") ? packageName.substring(11) : packageName;
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  /** The module's main classes' folder, where the compiler writes {@code module-info.class}. */
  private static final Path MODULE_INFO = MAIN.resolve("module-info.class");

  /**
   * The package a class counts in for the cycle rule: its own, with a trailing {@code .internal}
   * (and anything below it) folded into the package above, except in core.
   */
  static String sliceOf(String packageName) {
    if (!packageName.startsWith("dev.sluice.") || moduleOf(packageName).equals("core")) {
      return packageName;
    }
    int internal = packageName.indexOf(".internal");
    boolean isInternal =
        internal > 0
            && (packageName.length() == internal + 9 || packageName.charAt(internal + 9) == '.');
    return isInternal ? packageName.substring(0, internal) : packageName;
  }

  private static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String name = javaClass.getPackageName();
          return name.startsWith("dev.sluice.")
              ? SliceIdentifier.of(sliceOf(name))
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "packages of dev.sluice (x.internal counted with x, outside core)";
        }
      };

  /**
   * No cycle between the packages of {@code dev.sluice}: a module's {@code x.internal} counts as
   * part of {@code x}, except in core, whose packages are each their own slice.
   */
  public static ArchRule noCyclesBetweenPackages() {
    return SlicesRuleDefinition.slices()
        .assignedFrom(PACKAGES)
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true);
  }

  /** No class of core depends on a class of another Sluice module. */
  public static ArchRule coreDependsOnNoOtherModule() {
    return noClasses()
        .that()
        .resideInAPackage("dev.sluice.core..")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "belong to another Sluice module",
                c ->
                    c.getPackageName().startsWith("dev.sluice.")
                        && !moduleOf(c.getPackageName()).equals("core")))
        .allowEmptyShould(true);
  }

  /**
   * The module's descriptor, read from its build output; fails when the module has no {@code
   * module-info.java}.
   */
  public static ModuleDescriptor moduleDescriptor() {
    if (!Files.isRegularFile(MODULE_INFO)) {
      throw new AssertionError(
          "no module-info.class in " + MAIN.toAbsolutePath() + ": the module has no module-info");
    }
    try (InputStream in = Files.newInputStream(MODULE_INFO)) {
      return ModuleDescriptor.read(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + MODULE_INFO.toAbsolutePath(), e);
    }
  }

  /**
   * Classes of a package named {@code internal} are not in a package the module exports; fails when
   * the module has no {@code module-info.java}.
   */
  public static ArchRule noExportedPackageIsNamedInternal() {
    ModuleDescriptor module = moduleDescriptor();
    Set<String> exported = new HashSet<>();
    module.exports().forEach(e -> exported.add(e.source()));
    return noClasses()
        .that()
        .resideInAPackage("..internal..")
        .should(
            new ArchCondition<JavaClass>("be in a package module " + module.name() + " exports") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                if (exported.contains(c.getPackageName())) {
                  events.add(
                      SimpleConditionEvent.satisfied(
                          c, module.name() + " exports " + c.getPackageName()));
                }
              }
            })
        .allowEmptyShould(true);
  }
}
