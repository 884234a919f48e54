package org.attachmentpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** CPU by thread group is read from each thread's {@code /proc} stat line. */
class ResourceSamplerTests {

  @Test
  void readsTheNameAndTheUserAndSystemTicksOfAThread() {
    String compiler =
        "4242 (C2 CompilerThre) S 4200 4200 0 0 -1 1077936192 9 0 0 0 1234 56 0 0 20 0 1 0";
    String odd = "4243 (weird (name) x) S 4200 4200 0 0 -1 1077936192 9 0 0 0 999 9 0 0 20 0 1 0";

    assertThat(ResourceSampler.threadName(compiler)).isEqualTo("C2 CompilerThre");
    assertThat(ResourceSampler.ticks(compiler)).isEqualTo(1234 + 56);
    assertThat(ResourceSampler.threadName(odd)).isEqualTo("weird (name) x");
    assertThat(ResourceSampler.ticks(odd)).isEqualTo(999 + 9);
  }

  @Test
  void aLineThatIsNotWholeCountsNothing() {
    assertThat(ResourceSampler.threadName("")).isNull();
    assertThat(ResourceSampler.ticks("")).isZero();
    assertThat(ResourceSampler.ticks("4242 (C1 CompilerThre) S 4200")).isZero();
  }

  @Test
  void groupsAddUpTheirThreadsLargestFirstAndAThreadThatEndedCountsNothing() {
    Map<String, ResourceSampler.ThreadTicks> before =
        Map.of(
            "1", ticks("upload-1", 100),
            "2", ticks("upload-2", 40),
            "3", ticks("C2 CompilerThre", 50),
            "4", ticks("gone-1", 30));
    Map<String, ResourceSampler.ThreadTicks> after =
        Map.of(
            "1", ticks("upload-1", 130),
            "2", ticks("upload-2", 60),
            "3", ticks("C2 CompilerThre", 250),
            "5", ticks("new-1", 5));

    Map<String, Double> seconds = ResourceSampler.cpuByThreadGroup(before, after);

    assertThat(seconds)
        .containsExactly(
            Map.entry("C2 CompilerThre", 2.0),
            Map.entry("upload-N", 0.5),
            Map.entry("new-N", 0.05));
    assertThat(ResourceSampler.cpuByThreadGroup(null, after)).isNull();
  }

  @Test
  void thisProcessHasThreads() {
    Map<String, ResourceSampler.ThreadTicks> threads = ResourceSampler.threadTicks();

    // names as /proc gives them: at most 15 characters, the main thread under the process's name
    assertThat(threads).isNotNull();
    assertThat(threads.values()).anyMatch(thread -> thread.name().startsWith("C2 CompilerThre"));
    assertThat(threads.values().stream().mapToLong(ResourceSampler.ThreadTicks::ticks).sum())
        .isPositive();
  }

  private static ResourceSampler.ThreadTicks ticks(String name, long ticks) {
    return new ResourceSampler.ThreadTicks(name, ticks);
  }
}
