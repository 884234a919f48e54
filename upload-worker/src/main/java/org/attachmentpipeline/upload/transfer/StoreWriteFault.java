package org.attachmentpipeline.upload.transfer;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.upload.UploadProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Test-only fault injection for the chaos suite ({@code pipeline.upload.fault.halt-after-store},
 * off by default): after the N-th file written to the store, and before its result is published,
 * the JVM halts at once, as a kill -9 would, at the one point a signal from outside cannot hit
 * reliably. The suite then checks that the restarted worker publishes the result and removes the
 * cache file. Never set it in production.
 */
@Component
class StoreWriteFault {

  private static final Logger log = LoggerFactory.getLogger(StoreWriteFault.class);

  /** The status a process killed with SIGKILL reports. */
  static final int HALT_STATUS = 137;

  private final int haltAfter;
  private final Runnable halt;
  private final PrintStream err;
  private final AtomicInteger writes = new AtomicInteger();

  @Autowired
  StoreWriteFault(UploadProperties properties) {
    this(
        properties.fault().haltAfterStore(),
        () -> Runtime.getRuntime().halt(HALT_STATUS),
        System.err);
    if (haltAfter > 0) {
      log.warn(
          "FAULT hook armed (pipeline.upload.fault.halt-after-store={}): the JVM halts after store"
              + " write {}, before its result is published. For the chaos suite only",
          haltAfter,
          haltAfter);
    }
  }

  /**
   * @param haltAfter the store write after which to halt; 0 never
   * @param halt what halting is (the test injects one that does not end the test JVM)
   * @param err where the last line goes, flushed before halting
   */
  StoreWriteFault(int haltAfter, Runnable halt, PrintStream err) {
    this.haltAfter = haltAfter;
    this.halt = halt;
    this.err = err;
  }

  /**
   * Called when a file of {@code taskId} has been written to the store, before its result is sent.
   */
  void afterStoreWrite(String taskId) {
    if (haltAfter > 0 && writes.incrementAndGet() == haltAfter) {
      err.println(
          "FAULT: halting after the store write of task "
              + taskId
              + " before its result is published");
      err.flush();
      halt.run();
    }
  }
}
