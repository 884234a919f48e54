package org.attachmentpipeline.dlq.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --page} and {@code --size} of the paged answers ({@code list}, {@code audit}). */
final class PagingOptions {

  @Option(names = "--page", paramLabel = "N", description = "page, from 0")
  Integer page;

  @Option(
      names = "--size",
      paramLabel = "N",
      description = "entries a page (the handler's default 50, at most 500)")
  Integer size;

  void addTo(Map<String, Object> query) {
    FilterOptions.put(query, "page", page);
    FilterOptions.put(query, "size", size);
  }

  /** The closing line of a paged listing: {@code 2 of 7 dead letter(s), page 0}. */
  static String summary(tools.jackson.databind.JsonNode page, String what) {
    return page.path("items").size()
        + " of "
        + page.path("total").asLong()
        + " "
        + what
        + ", page "
        + page.path("page").asInt();
  }
}
