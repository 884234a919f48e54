package org.attachmentpipeline.bench;

/**
 * The benchmark's command line: {@code java -jar bench/target/bench-0.1.0-SNAPSHOT.jar [--quick]
 * [--scenario NAME] [--bootstrap-servers H:P] [--out DIR]}. Exit code 0 when every scenario ran to
 * its end, whatever its figures; 1 when the harness failed; 2 for a usage error.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the benchmark and returns the exit code. */
  public static int run(String... args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      System.out.print(BenchOptions.USAGE);
      return 0;
    }
    System.setProperty("java.awt.headless", "true");
    BenchLogging.initialize(options.pipelineProperties());
    Benchmark.Outcome outcome = new Benchmark(options).run();
    System.out.println("Report: " + outcome.markdown().toAbsolutePath());
    System.out.println("JSON:   " + outcome.json().toAbsolutePath());
    return outcome.harnessOk() ? 0 : 1;
  }
}
