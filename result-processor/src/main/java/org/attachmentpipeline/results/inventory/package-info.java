/**
 * The inventory feature: results topic in, one Delta row per outcome out. Public surface: {@link
 * org.attachmentpipeline.results.inventory.InventoryTableReader} and {@link
 * org.attachmentpipeline.results.inventory.InventoryRow}, for tests and tools that check the table.
 */
package org.attachmentpipeline.results.inventory;
