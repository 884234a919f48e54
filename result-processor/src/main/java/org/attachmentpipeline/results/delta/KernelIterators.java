package org.attachmentpipeline.results.delta;

import io.delta.kernel.utils.CloseableIterator;
import java.util.Iterator;
import java.util.List;

/** Adapts in-memory lists to Kernel's {@link CloseableIterator}. */
final class KernelIterators {

  private KernelIterators() {}

  static <T> CloseableIterator<T> of(List<T> items) {
    Iterator<T> iterator = items.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return iterator.hasNext();
      }

      @Override
      public T next() {
        return iterator.next();
      }

      @Override
      public void close() {
        // nothing to release: the list lives on the heap
      }
    };
  }
}
