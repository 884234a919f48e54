package org.attachmentpipeline.dlq.view;

import java.util.List;

/**
 * One page of the dead-letter list, newest first.
 *
 * @param total how many entries match the query, over all pages
 * @param page the page number, from 0
 * @param size the page size
 * @param items the entries of this page, as summaries
 */
public record DeadLetterPage(long total, int page, int size, List<DeadLetterEntry> items) {

  public DeadLetterPage {
    items = List.copyOf(items);
  }
}
