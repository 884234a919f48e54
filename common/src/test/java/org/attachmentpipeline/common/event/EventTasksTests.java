package org.attachmentpipeline.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventTasksTests {

  @Test
  void namesMadeDistinctKeepTheirOrderAndSkipNamesTakenAlready() {
    EventTasks.DistinctNames names = new EventTasks.DistinctNames();
    assertThat(List.of("a.pdf", "a-2.pdf", "A.PDF", "a.pdf", "a-2.pdf", "report", "report"))
        .map(names::distinct)
        .containsExactly(
            "a.pdf", "a-2.pdf", "A-3.PDF", "a-4.pdf", "a-2-2.pdf", "report", "report-2");
  }

  @Test
  void aLongUrlIsShownCutAndWithoutItsCredentials() {
    assertThat(EventTasks.shown("https://user:secret@h/" + "x".repeat(200)))
        .doesNotContain("secret")
        .endsWith("...")
        .hasSizeLessThan(140);
  }
}
