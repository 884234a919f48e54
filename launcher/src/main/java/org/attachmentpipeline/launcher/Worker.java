package org.attachmentpipeline.launcher;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attachmentpipeline.dlq.DlqHandlerApplication;
import org.attachmentpipeline.download.DownloadWorkerApplication;
import org.attachmentpipeline.ingester.EventIngesterApplication;
import org.attachmentpipeline.monitoring.MonitoringDashboardApplication;
import org.attachmentpipeline.results.ResultProcessorApplication;
import org.attachmentpipeline.upload.UploadWorkerApplication;

/**
 * The workers the launcher can run, in start order: consumers of later stages come up before the
 * stages that feed them, and the event ingester, which lets work in, comes last. Each constant
 * knows its command-line name, its application class and configuration file, and the property that
 * sets its HTTP port ({@code pipeline.ports.<cli name>}).
 */
public enum Worker {
  RESULT_PROCESSOR(
      "result-processor",
      ResultProcessorApplication.class,
      ResultProcessorApplication.CONFIG_NAME,
      8084),
  DLQ_HANDLER("dlq-handler", DlqHandlerApplication.class, DlqHandlerApplication.CONFIG_NAME, 8085),
  MONITORING(
      "monitoring",
      MonitoringDashboardApplication.class,
      MonitoringDashboardApplication.CONFIG_NAME,
      8080),
  UPLOAD("upload", UploadWorkerApplication.class, UploadWorkerApplication.CONFIG_NAME, 8083),
  DOWNLOAD(
      "download", DownloadWorkerApplication.class, DownloadWorkerApplication.CONFIG_NAME, 8082),
  EVENT_INGESTER(
      "event-ingester", EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME, 8081);

  private final String cliName;
  private final Class<?> applicationClass;
  private final String configName;
  private final int defaultPort;

  Worker(String cliName, Class<?> applicationClass, String configName, int defaultPort) {
    this.cliName = cliName;
    this.applicationClass = applicationClass;
    this.configName = configName;
    this.defaultPort = defaultPort;
  }

  /** The name used by {@code --worker} and in {@code pipeline.ports.<name>}. */
  public String cliName() {
    return cliName;
  }

  /** The worker's {@code @SpringBootApplication} class. */
  public Class<?> applicationClass() {
    return applicationClass;
  }

  /** The worker's own configuration file name, without {@code .yaml}. */
  public String configName() {
    return configName;
  }

  /** The HTTP port that the worker's configuration file defaults to. */
  public int defaultPort() {
    return defaultPort;
  }

  /** The property that sets this worker's HTTP port; {@code 0} picks a free one. */
  public String portProperty() {
    return "pipeline.ports." + cliName;
  }

  /** The worker with this command-line name, if any. */
  public static Optional<Worker> fromCliName(String name) {
    return Arrays.stream(values()).filter(worker -> worker.cliName.equals(name)).findFirst();
  }

  /** The command-line names of every worker, in the order work flows, separated by {@code |}. */
  public static String cliNames() {
    return Stream.of(EVENT_INGESTER, DOWNLOAD, UPLOAD, RESULT_PROCESSOR, DLQ_HANDLER, MONITORING)
        .map(Worker::cliName)
        .collect(Collectors.joining("|"));
  }
}
