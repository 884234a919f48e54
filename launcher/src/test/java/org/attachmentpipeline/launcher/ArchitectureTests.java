package org.attachmentpipeline.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the modules apart: {@code common} knows no worker, no worker knows another, only the
 * launcher (which runs them all) depends on workers, and no application uses the test scaffolding
 * ({@code test-support}). Checked on the classes of every module, which are all on the launcher's
 * class path.
 */
class ArchitectureTests {

  private static final String ROOT = "org.attachmentpipeline";
  private static final List<String> WORKER_PACKAGES =
      List.of("ingester", "download", "upload", "results", "dlq", "monitoring");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void commonDependsOnNoWorkerAndNotOnTheLauncher() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages(WORKER_PACKAGES.stream(), "launcher"))
        .check(classes);
  }

  static Stream<String> workers() {
    return WORKER_PACKAGES.stream();
  }

  @ParameterizedTest
  @MethodSource("workers")
  void workerDependsOnNoOtherWorkerAndNotOnTheLauncher(String worker) {
    noClasses()
        .that()
        .resideInAPackage(ROOT + "." + worker + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            packages(WORKER_PACKAGES.stream().filter(other -> !other.equals(worker)), "launcher"))
        .check(classes);
  }

  /** Test scaffolding (the test-support module) stays out of every application. */
  @Test
  void noApplicationDependsOnTheTestSupport() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".testsupport..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".testsupport..")
        .check(classes);
  }

  private static String[] packages(Stream<String> names, String extra) {
    return Stream.concat(names, Stream.of(extra))
        .map(name -> ROOT + "." + name + "..")
        .toArray(String[]::new);
  }
}
