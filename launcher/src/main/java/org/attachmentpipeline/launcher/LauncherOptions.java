package org.attachmentpipeline.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The launcher's command line: which workers to run, the demo switch, help, and every other
 * argument, which passes through unchanged to each worker's Spring context.
 *
 * @param workers the selected workers (in start order); empty with {@code brokerOnly}
 * @param brokerOnly whether only the embedded broker runs (workers then run as other processes)
 * @param demo whether the event ingester runs its demo source
 * @param help whether only the usage was asked for
 * @param passThrough the arguments for every Spring context, in the order given
 */
record LauncherOptions(
    Set<Worker> workers, boolean brokerOnly, boolean demo, boolean help, List<String> passThrough) {

  static final String USAGE =
      """
      Usage: java -jar launcher.jar [--worker NAME[,NAME...]]... [--demo] [--help] [--property=value]...
             java -jar launcher.jar --broker-only [--property=value]...

        --worker NAME   all (default) or %s;
                        a comma list or the flag repeated runs several workers in this one process,
                        each as its own Spring application with its own configuration and port.
        --broker-only   run only the embedded Kafka broker; workers join it as other processes
                        (--spring.kafka.bootstrap-servers=127.0.0.1:<port>).
        --demo          the event ingester serves sample attachments and emits events for them
                        (sets pipeline.ingest.demo.enabled=true for the event ingester).
        --help          this text.
        --key=value     any other argument is given to every worker, e.g.
                        --pipeline.download.max-concurrency=10 or --spring.kafka.bootstrap-servers=host:9092

      Kafka: unless KAFKA_BOOTSTRAP_SERVERS or --spring.kafka.bootstrap-servers is given, a Kafka broker
      runs inside this process on 127.0.0.1:${PIPELINE_EMBEDDED_KAFKA_PORT:-19092} with its data in
      ${PIPELINE_DATA_DIR:-./data}/kafka (kept across restarts). A broker already listening there is reused.
      """
          .formatted(Worker.cliNames());

  private static final String WORKER_FLAG = "--worker";

  LauncherOptions {
    workers = Collections.unmodifiableSet(EnumSet.copyOf(workers));
    passThrough = List.copyOf(passThrough);
  }

  /** Parses the command line; throws {@link UsageException} for an unknown worker or a bad flag. */
  static LauncherOptions parse(String... args) {
    Set<Worker> workers = EnumSet.noneOf(Worker.class);
    boolean brokerOnly = false;
    boolean demo = false;
    boolean help = false;
    List<String> passThrough = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals(WORKER_FLAG)) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new UsageException(WORKER_FLAG + " needs a worker name");
        }
        workers.addAll(workerList(args[++i]));
      } else if (arg.startsWith(WORKER_FLAG + "=")) {
        workers.addAll(workerList(arg.substring(WORKER_FLAG.length() + 1)));
      } else if (arg.equals("--broker-only")) {
        brokerOnly = true;
      } else if (arg.equals("--demo")) {
        demo = true;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
      } else {
        passThrough.add(arg);
      }
    }
    if (brokerOnly && (!workers.isEmpty() || demo)) {
      throw new UsageException("--broker-only runs no worker: leave out --worker and --demo");
    }
    if (workers.isEmpty() && !brokerOnly) {
      workers = EnumSet.allOf(Worker.class);
    }
    return new LauncherOptions(workers, brokerOnly, demo, help, passThrough);
  }

  /** The {@code --key=value} arguments among the pass-through ones; a later value wins. */
  Map<String, String> passThroughProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    for (String arg : passThrough) {
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 2) {
        properties.put(arg.substring(2, equals), arg.substring(equals + 1));
      }
    }
    return properties;
  }

  private static Set<Worker> workerList(String list) {
    Set<Worker> selected = EnumSet.noneOf(Worker.class);
    for (String name : list.split(",")) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        throw new UsageException(WORKER_FLAG + " has an empty worker name in '" + list + "'");
      }
      if (trimmed.equals("all")) {
        selected.addAll(EnumSet.allOf(Worker.class));
      } else {
        selected.add(
            Worker.fromCliName(trimmed)
                .orElseThrow(
                    () ->
                        new UsageException(
                            "unknown worker '"
                                + trimmed
                                + "': choose all or one of "
                                + Worker.cliNames())));
      }
    }
    return selected;
  }

  /** A command line that the launcher cannot run; the message says why. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
