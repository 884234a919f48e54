package org.attachmentpipeline.results.inventory;

import java.nio.file.Path;
import java.util.List;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.DeltaTableScanner;

/**
 * Reads the whole inventory table back, for tests (the launcher's end-to-end test checks that every
 * attachment has exactly one {@code SUCCEEDED} row), the benchmark and {@code
 * scripts/compose-check}. Single-threaded and in memory: meant for small tables. Shipped in the
 * module's test jar ({@code result-processor-<version>-tests.jar}), not in the application.
 */
public final class InventoryTableReader {

  private InventoryTableReader() {}

  /**
   * Every row of the inventory table in {@code tableDir} (the directory holding {@code
   * _delta_log}), in no particular order; an empty list when there is no table there yet.
   */
  public static List<InventoryRow> readAll(Path tableDir) {
    return readAll(tableDir.toAbsolutePath().normalize().toString());
  }

  /**
   * Every row of the inventory table at {@code tableLocation} (a local path, or a URI whose file
   * system Hadoop's default configuration can reach); empty when there is no table there yet.
   */
  public static List<InventoryRow> readAll(String tableLocation) {
    return DeltaTableScanner.readAll(DeltaEngines.create(), tableLocation).stream()
        .map(InventorySchema::row)
        .toList();
  }
}
