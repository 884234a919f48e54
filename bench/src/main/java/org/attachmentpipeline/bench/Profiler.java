package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --profile}: a JDK Flight Recorder recording (the JDK's "profile" settings) around the
 * measured part of each scenario, so that a figure that moved can be traced to the code that moved
 * it in the same run. Each recording is dumped to {@code <out>/profiles/<scenario>.jfr} and
 * summarised next to it ({@link ProfileSummary}). Off by default: the recording costs a little CPU
 * of its own.
 */
final class Profiler {

  private static final Logger log = LoggerFactory.getLogger(Profiler.class);

  private final Path dir;
  private Recording recording;

  private Profiler(Path dir) {
    this.dir = dir;
  }

  /** A profiler writing under {@code <out>/profiles}, or null when profiling is off. */
  static Profiler of(BenchOptions options) {
    return options.profile() ? new Profiler(options.out().resolve("profiles")) : null;
  }

  /** Starts recording (the measured part of a scenario begins). */
  void start() {
    if (recording != null) {
      recording.close();
    }
    try {
      recording = new Recording(Configuration.getConfiguration("profile"));
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("The JDK's \"profile\" recording settings cannot be read", e);
    }
    recording.setName("bench");
    recording.setToDisk(true);
    recording.start();
  }

  /** Stops recording (the measured part has ended); cheap, so that it can stand in a finally. */
  void stop() {
    if (recording != null && recording.getState() == jdk.jfr.RecordingState.RUNNING) {
      recording.stop();
    }
  }

  /**
   * Dumps the stopped recording to {@code <scenario>.jfr}, writes the summary files and returns
   * what the report shows: the paths, the sample count and the top frames. Called after the
   * scenario's CPU time is taken, so that reading the recording is not counted in it.
   */
  Map<String, Object> write(String scenario) {
    Recording done = recording;
    recording = null;
    if (done == null) {
      return Map.of();
    }
    try (done) {
      Files.createDirectories(dir);
      Path jfr = dir.resolve(scenario + ".jfr");
      done.dump(jfr);
      ProfileSummary summary = ProfileSummary.read(jfr);
      Path top = dir.resolve(scenario + "-top.txt");
      Files.writeString(top, summary.text(scenario, 25));
      Path collapsed = dir.resolve(scenario + ".collapsed");
      Files.writeString(collapsed, summary.collapsed());
      Map<String, Object> profile = new LinkedHashMap<>();
      profile.put("jfr", jfr.toString());
      profile.put("top", top.toString());
      profile.put("collapsed", collapsed.toString());
      profile.put("samples", summary.samples());
      profile.put("top_frames", summary.topFrames(5));
      profile.put("top_non_jdk_frames", summary.topNonJdkFrames(5));
      profile.put("top_packages", summary.topPackages(5));
      profile.put("top_threads", summary.topThreads(5));
      log.info("Profile of {}: {} samples, {}", scenario, summary.samples(), top);
      return profile;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the profile of " + scenario + " to " + dir, e);
    }
  }
}
