/**
 * The inventory feature: results topic in, one Delta row per outcome out. Public surface: {@link
 * org.attachmentpipeline.results.inventory.InventoryRow}, the row that {@code InventoryTableReader}
 * (in the module's test jar, for tests and tools that check the table) reads back.
 */
package org.attachmentpipeline.results.inventory;
