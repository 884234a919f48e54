package org.attachmentpipeline.upload.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chaos suite's fault hook halts at the configured store write and only then. */
class StoreWriteFaultTests {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> haltedAfter = new ArrayList<>();
  private String lastTask;

  private StoreWriteFault fault(int haltAfter) {
    PrintStream stream = new PrintStream(err, false, StandardCharsets.UTF_8);
    return new StoreWriteFault(haltAfter, () -> haltedAfter.add(lastTask), stream);
  }

  private void write(StoreWriteFault fault, String task) {
    lastTask = task;
    fault.afterStoreWrite(task);
  }

  @Test
  void haltsAtTheNthStoreWriteAfterFlushingTheFaultLine() {
    StoreWriteFault fault = fault(3);
    write(fault, "t1");
    write(fault, "t2");
    assertThat(haltedAfter).isEmpty();
    write(fault, "t3");
    assertThat(haltedAfter).containsExactly("t3");
    // the line was flushed before the halt ran
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "FAULT: halting after the store write of task t3 before its result is published"
                + System.lineSeparator());
    write(fault, "t4");
    assertThat(haltedAfter).containsExactly("t3");
  }

  @Test
  void zeroIsOff() {
    StoreWriteFault fault = fault(0);
    for (int i = 0; i < 100; i++) {
      write(fault, "t" + i);
    }
    assertThat(haltedAfter).isEmpty();
    assertThat(err.size()).isZero();
  }
}
