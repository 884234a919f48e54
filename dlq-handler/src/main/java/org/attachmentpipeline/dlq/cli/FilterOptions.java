package org.attachmentpipeline.dlq.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Which dead letters {@code list}, {@code replay} and {@code discard} mean: the API's filters as
 * options. {@code --failure} is the dead letter's reason, because {@code --reason} is the
 * operator's why.
 */
final class FilterOptions {

  @Option(
      names = "--trace-id",
      paramLabel = "ID",
      description = "every dead letter of this trace id")
  String traceId;

  @Option(names = "--domain", paramLabel = "NAME", description = "the task's domain")
  String domain;

  @Option(
      names = "--failure",
      paramLabel = "REASON",
      description = "PERMANENT, EXHAUSTED or unreadable")
  String failure;

  @Option(
      names = "--stage",
      paramLabel = "STAGE",
      description = "download, upload, ingest, unreadable")
  String stage;

  @Option(
      names = "--error-code",
      paramLabel = "CODE",
      description = "the HTTP status of the last error")
  Integer errorCode;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      converter = IsoInstant.class,
      description = "failed_at from, inclusive (ISO-8601, e.g. 2026-03-01T10:00:00Z)")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "INSTANT",
      converter = IsoInstant.class,
      description = "failed_at to, exclusive (ISO-8601)")
  Instant to;

  /** The filters given, under the API's names, without the trace id. */
  Map<String, Object> filters() {
    Map<String, Object> filter = new LinkedHashMap<>();
    put(filter, "domain", domain);
    put(filter, "reason", failure);
    put(filter, "stage", stage);
    put(filter, "error_code", errorCode);
    put(filter, "from", from);
    put(filter, "to", to);
    return filter;
  }

  /** Puts {@code value} (as a string, but a number stays a number) unless it is null or blank. */
  static void put(Map<String, Object> map, String name, Object value) {
    if (value instanceof Integer number) {
      map.put(name, number);
    } else if (value != null && !value.toString().isBlank()) {
      map.put(name, value.toString());
    }
  }

  /** An ISO-8601 instant, with the message of the old hand-made parser. */
  static final class IsoInstant implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("must be an ISO-8601 instant like 2026-03-01T10:00:00Z");
      }
    }
  }
}
