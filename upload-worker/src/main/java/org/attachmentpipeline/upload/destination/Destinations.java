package org.attachmentpipeline.upload.destination;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attachmentpipeline.common.message.DownloadTask;

/**
 * Where each task's file lands: its domain's OneLake path (from {@code ONELAKE_<DOMAIN>_PATH} or
 * {@code pipeline.upload.destinations}) plus the path template filled from the task. Every value
 * put into the path is sanitised, so the same task always lands on the same path and no value can
 * climb out of its domain's folder.
 */
public final class Destinations {

  private static final Pattern ENV_KEY = Pattern.compile("ONELAKE_(.+)_PATH");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9_]+)}");

  private final Map<String, OneLakePath> byDomain;
  private final String defaultDestination;
  private final String template;

  /**
   * Validates every configured path at start, naming the bad key.
   *
   * @param configured {@code pipeline.upload.destinations}
   * @param environment the process environment, scanned for {@code ONELAKE_<DOMAIN>_PATH}
   * @param defaultDestination the path of any other domain ({@code {domain}} replaced), or blank
   * @param template the path template
   */
  public Destinations(
      Map<String, String> configured,
      Map<String, String> environment,
      String defaultDestination,
      String template) {
    Map<String, OneLakePath> paths = new LinkedHashMap<>();
    configured.forEach(
        (domain, path) ->
            paths.put(
                normalise(domain),
                OneLakePath.parse(path, "pipeline.upload.destinations." + domain)));
    environment.forEach(
        (key, value) -> {
          Matcher m = ENV_KEY.matcher(key);
          if (m.matches() && !value.isBlank()) {
            paths.put(normalise(m.group(1)), OneLakePath.parse(value, key));
          }
        });
    if (!defaultDestination.isBlank()) {
      OneLakePath.parse(
          defaultDestination.replace("{domain}", "x"), "pipeline.upload.default-destination");
    }
    this.byDomain = Map.copyOf(paths);
    this.defaultDestination = defaultDestination;
    this.template = template;
  }

  /** The file's location in OneLake. */
  public OneLakePath of(DownloadTask task) {
    String domain = normalise(task.domain() == null ? "" : task.domain());
    OneLakePath base = byDomain.get(domain);
    if (base == null) {
      if (defaultDestination.isBlank()) {
        throw new UnknownDomainException(task.domain());
      }
      base =
          OneLakePath.parse(
              defaultDestination.replace("{domain}", FileNames.segment(domain)),
              "pipeline.upload.default-destination");
    }
    return base.resolve(render(task));
  }

  /** The configured domains, for the start-up log. */
  public Map<String, OneLakePath> configured() {
    return byDomain;
  }

  private String render(DownloadTask task) {
    String fileName = FileNames.sanitise(task.fileName());
    Map<String, String> values = new HashMap<>(task.attributes());
    values.put("file_name", fileName);
    values.put("file_type", FileNames.type(fileName));
    values.put("domain", task.domain());
    values.put("task_id", task.taskId());
    values.put("trace_id", task.traceId());
    StringBuilder out = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      String value = values.get(m.group(1));
      String safe = m.group(1).equals("file_name") ? fileName : FileNames.segment(value);
      m.appendReplacement(out, Matcher.quoteReplacement(safe));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String normalise(String domain) {
    return domain.toLowerCase(Locale.ROOT).replace('-', '_');
  }
}
