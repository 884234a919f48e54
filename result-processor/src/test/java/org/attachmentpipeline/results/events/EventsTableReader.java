package org.attachmentpipeline.results.events;

import java.nio.file.Path;
import java.util.List;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.DeltaTableScanner;

/**
 * Reads the whole events table back, for tests. Single-threaded and in memory: meant for small
 * tables. Shipped in the module's test jar, not in the application.
 */
public final class EventsTableReader {

  private EventsTableReader() {}

  /**
   * Every row of the events table in {@code tableDir} (the directory holding {@code _delta_log}),
   * in no particular order; an empty list when there is no table there yet.
   */
  public static List<EventRow> readAll(Path tableDir) {
    return readAll(tableDir.toAbsolutePath().normalize().toString());
  }

  /** Every row of the events table at {@code tableLocation} (a local path or a URI). */
  public static List<EventRow> readAll(String tableLocation) {
    return DeltaTableScanner.readAll(DeltaEngines.create(), tableLocation).stream()
        .map(EventsSchema::row)
        .toList();
  }
}
