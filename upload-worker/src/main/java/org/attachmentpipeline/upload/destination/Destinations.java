package org.attachmentpipeline.upload.destination;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attachmentpipeline.common.message.DownloadTask;

/**
 * Where each task's file lands: its domain's OneLake path (from {@code ONELAKE_<DOMAIN>_PATH} or
 * {@code pipeline.upload.destinations}) plus the path template filled from the task. Every value
 * put into the path is sanitised, so the same task always lands on the same path and no value can
 * climb out of its domain's folder. The template is split into its parts once, and the default
 * destination is parsed once, with a mark where the domain goes: a domain's path is then a few
 * string replacements, not a parse per file.
 */
public final class Destinations {

  private static final Pattern ENV_KEY = Pattern.compile("ONELAKE_(.+)_PATH");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9_]+)}");

  /** Hex digits of the task id that tell a task's own path from another's: 48 bits. */
  private static final int OWN_TOKEN_LENGTH = 12;

  /**
   * Stands for {@code {domain}} while the default destination is parsed: characters a URI keeps as
   * they are, so that the domain goes in after parsing, where no character of it can change what
   * the rest of the path means.
   */
  private static final String DOMAIN_MARK = "pipeline-domain-7d1c";

  private final Map<String, OneLakePath> byDomain;

  /** The default destination, {@code {domain}} marked; null when there is none. */
  private final OneLakePath defaultDestination;

  private final List<Part> template;

  /** A piece of the path template: literal text, or a placeholder's name (its text null). */
  private record Part(String text, String placeholder) {}

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
    this.byDomain = Map.copyOf(paths);
    this.defaultDestination =
        defaultDestination.isBlank()
            ? null
            : OneLakePath.parse(
                defaultDestination.replace("{domain}", DOMAIN_MARK),
                "pipeline.upload.default-destination");
    this.template = parts(template);
  }

  private static List<Part> parts(String template) {
    List<Part> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        parts.add(new Part(template.substring(at, m.start()), null));
      }
      parts.add(new Part(null, m.group(1)));
      at = m.end();
    }
    if (at < template.length()) {
      parts.add(new Part(template.substring(at), null));
    }
    return List.copyOf(parts);
  }

  /** The file's location in OneLake. */
  public OneLakePath of(DownloadTask task) {
    String domain = normalise(task.domain() == null ? "" : task.domain());
    OneLakePath base = byDomain.get(domain);
    if (base == null) {
      if (defaultDestination == null) {
        throw new UnknownDomainException(task.domain());
      }
      base = defaultFor(FileNames.segment(domain));
    }
    return base.resolve(render(task));
  }

  /**
   * Where {@code task}'s file goes when {@code shared}, its {@link #of} path, holds another file:
   * the same path with the start of the task id before the extension of its last name ({@code
   * photo.jpg} becomes {@code photo-1a2b3c4d5e6f.jpg}), the same for the task every time.
   */
  public static OneLakePath ownOf(DownloadTask task, OneLakePath shared) {
    String path = shared.path();
    int slash = path.lastIndexOf('/');
    String token = task.taskId().substring(0, Math.min(OWN_TOKEN_LENGTH, task.taskId().length()));
    return new OneLakePath(
        shared.endpoint(),
        shared.workspace(),
        path.substring(0, slash + 1)
            + FileNames.withSuffix(path.substring(slash + 1), "-" + FileNames.segment(token)));
  }

  /**
   * The default destination with {@code segment} in place of {@code {domain}}: put in after
   * parsing, so a domain of any characters (a space, {@code #}, {@code %}) is a name in the path,
   * never a URI's fragment, query or escape.
   */
  private OneLakePath defaultFor(String segment) {
    return new OneLakePath(
        defaultDestination.endpoint().replace(DOMAIN_MARK, segment),
        defaultDestination.workspace().replace(DOMAIN_MARK, segment),
        defaultDestination.path().replace(DOMAIN_MARK, segment));
  }

  /** The configured domains, for the start-up log. */
  public Map<String, OneLakePath> configured() {
    return byDomain;
  }

  private String render(DownloadTask task) {
    String fileName = FileNames.sanitise(task.fileName());
    StringBuilder out = new StringBuilder(64 + fileName.length());
    for (Part part : template) {
      if (part.text() != null) {
        out.append(part.text());
      } else if (part.placeholder().equals("file_name")) {
        out.append(fileName);
      } else {
        out.append(FileNames.segment(value(part.placeholder(), task, fileName)));
      }
    }
    return out.toString();
  }

  /** A placeholder's value: the task's own fields first, then its attributes. */
  private static String value(String placeholder, DownloadTask task, String fileName) {
    return switch (placeholder) {
      case "file_type" -> FileNames.type(fileName);
      case "domain" -> task.domain();
      case "task_id" -> task.taskId();
      case "trace_id" -> task.traceId();
      default -> task.attributes().get(placeholder);
    };
  }

  private static String normalise(String domain) {
    return domain.toLowerCase(Locale.ROOT).replace('-', '_');
  }
}
