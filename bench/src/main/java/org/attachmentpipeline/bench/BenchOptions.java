package org.attachmentpipeline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's command line: which scenarios, at which size, against which Kafka, and where the
 * report goes. Any other {@code --key=value} is handed to every worker context unchanged.
 *
 * @param quick small versions of the scenarios (CI's proof that the harness works)
 * @param scenarios the scenario names to run, in order; empty runs them all
 * @param bootstrapServers an external Kafka cluster; empty starts a broker in this process
 * @param out the directory the report is written to
 * @param rate the fixed event rate (events per second) of {@code fixed-rate}; empty derives it from
 *     the saturating rate measured by {@code files-64k}
 * @param seed the seed of the generated corpus
 * @param label free text recorded in the report (which commit or snapshots were measured)
 * @param help whether only the usage was asked for
 * @param pipelineProperties extra properties for every worker
 * @param profile a JDK Flight Recorder recording of each scenario's measured part, summarised
 * @param warmUp how many files the warm-up moves before the first scenario; empty for the default
 *     ({@link #warmUpFiles()})
 */
public record BenchOptions(
    boolean quick,
    List<String> scenarios,
    Optional<String> bootstrapServers,
    Path out,
    Optional<Double> rate,
    long seed,
    String label,
    boolean help,
    Map<String, String> pipelineProperties,
    boolean profile,
    Optional<Integer> warmUp) {

  /** The warm-up's files by default: 3,000 of 64 KiB, 30 in quick mode. */
  static final int WARM_UP_FILES = 3_000;

  static final int QUICK_WARM_UP_FILES = 30;

  static final String USAGE =
      """
      Usage: java -jar bench/target/bench-0.1.0-SNAPSHOT.jar [options] [--key=value]...

        --quick                     small versions of every scenario (under 2 minutes)
        --scenario NAME[,NAME...]   run only these (repeatable); names: %s
        --bootstrap-servers H:P     use this Kafka cluster instead of an in-process broker
        --out DIR                   where the report goes (default bench/target/bench-results)
        --rate N                    events/s of fixed-rate (default: half the files-64k rate)
        --seed N                    seed of the generated corpus (default 42)
        --label TEXT                recorded in the report, e.g. which snapshots were measured
        --profile                   a JFR recording per scenario and its top frames, under OUT/profiles
        --warm-up N                 files of 64 KiB moved by the pipeline and the plain downloader
                                    before the first scenario, not reported (default 3000, 30 quick)
        --help                      this text
        --key=value                 given to every worker, e.g. --pipeline.download.max-concurrency=100

      Exit code: 0 when every scenario ran to its end (whatever the figures), 1 when the harness
      failed (results missing after a scenario's timeout, a start failure), 2 for a usage error.
      """
          .formatted(String.join(", ", Scenarios.NAMES));

  public BenchOptions {
    scenarios = List.copyOf(scenarios);
    pipelineProperties = Map.copyOf(pipelineProperties);
    if (warmUp.isPresent() && warmUp.get() < 0) {
      throw new IllegalArgumentException("--warm-up must be 0 or more files");
    }
  }

  /** How many files the warm-up moves: as given, else the default for the mode. */
  int warmUpFiles() {
    return warmUp.orElse(quick ? QUICK_WARM_UP_FILES : WARM_UP_FILES);
  }

  /** Parses the command line; throws {@link IllegalArgumentException} for a usage error. */
  public static BenchOptions parse(String... args) {
    boolean quick = false;
    boolean help = false;
    boolean profile = false;
    List<String> scenarios = new ArrayList<>();
    String servers = null;
    Path out = Path.of("bench/target/bench-results");
    Double rate = null;
    Integer warmUp = null;
    long seed = 42;
    String label = "";
    Map<String, String> properties = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String inline = null;
      int equals = arg.indexOf('=');
      String name = arg;
      if (arg.startsWith("--") && equals > 2) {
        name = arg.substring(0, equals);
        inline = arg.substring(equals + 1);
      }
      switch (name) {
        case "--quick" -> quick = true;
        case "--help", "-h" -> help = true;
        case "--profile" -> profile = true;
        case "--scenario" -> {
          for (String scenario : value(args, i, inline, name).split(",")) {
            if (!Scenarios.NAMES.contains(scenario.trim())) {
              throw new IllegalArgumentException("unknown scenario: " + scenario);
            }
            scenarios.add(scenario.trim());
          }
          i += inline == null ? 1 : 0;
        }
        case "--bootstrap-servers" -> {
          servers = value(args, i, inline, name);
          i += inline == null ? 1 : 0;
        }
        case "--out" -> {
          out = Path.of(value(args, i, inline, name));
          i += inline == null ? 1 : 0;
        }
        case "--rate" -> {
          rate = Double.parseDouble(value(args, i, inline, name));
          i += inline == null ? 1 : 0;
        }
        case "--warm-up" -> {
          warmUp = Integer.parseInt(value(args, i, inline, name));
          i += inline == null ? 1 : 0;
        }
        case "--label" -> {
          label = value(args, i, inline, name);
          i += inline == null ? 1 : 0;
        }
        case "--seed" -> {
          seed = Long.parseLong(value(args, i, inline, name));
          i += inline == null ? 1 : 0;
        }
        default -> {
          if (inline == null) {
            throw new IllegalArgumentException("unknown option: " + arg);
          }
          properties.put(name.substring(2), inline);
        }
      }
    }
    return new BenchOptions(
        quick,
        scenarios,
        Optional.ofNullable(servers),
        out,
        Optional.ofNullable(rate),
        seed,
        label,
        help,
        properties,
        profile,
        Optional.ofNullable(warmUp));
  }

  private static String value(String[] args, int i, String inline, String name) {
    if (inline != null) {
      return inline;
    }
    if (i + 1 >= args.length) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args[i + 1];
  }
}
