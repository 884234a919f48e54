package org.attachmentpipeline.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples this process every 100 ms: heap in use (and, from GC notifications, the heap just before
 * each collection, which is the true peak between samples), resident set size from {@code
 * /proc/self/status}, and process CPU time. A {@link Window} spans one measured phase.
 */
final class ResourceSampler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResourceSampler.class);
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
  private static final Path TASKS = Path.of("/proc/self/task");

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "bench-resource-sampler");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicLong peakHeap = new AtomicLong();
  private final AtomicLong peakRss = new AtomicLong();

  /** The highest heap left after a collection in this phase; -1 while none happened. */
  private final AtomicLong peakLive = new AtomicLong(-1);

  private final AtomicLong ticks = new AtomicLong();
  private volatile boolean probeLive;
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final NotificationListener gcListener =
      (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
            notification.getType())) {
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long before = heapUsed(info.getGcInfo().getMemoryUsageBeforeGc());
          peakHeap.accumulateAndGet(before, Math::max);
          peakLive.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
        }
      };

  /**
   * Figures of one phase; memory in bytes, CPU in seconds. {@code peakHeap} counts garbage not yet
   * collected; {@code peakLiveHeap} is the most the heap held right after a collection (what was
   * really kept), -1 when no collection happened in the phase. {@code cpuByThreadGroup} is null
   * where {@code /proc} cannot be read.
   */
  record Usage(
      long baselineHeap,
      long peakHeap,
      long peakLiveHeap,
      long baselineRss,
      long peakRss,
      long hwmRss,
      boolean hwmReset,
      double cpuSeconds,
      Map<String, Double> cpuByThreadGroup) {

    /** The JIT compiler threads' part of the CPU seconds; NaN without the figures by thread. */
    double compilerCpuSeconds() {
      return cpuByThreadGroup == null
          ? Double.NaN
          : cpuByThreadGroup.entrySet().stream()
              .filter(group -> group.getKey().contains("CompilerThre"))
              .mapToDouble(Map.Entry::getValue)
              .sum();
    }
  }

  /** The start of a measured phase. */
  record Window(
      long baselineHeap,
      long baselineRss,
      boolean hwmReset,
      long cpuNanos,
      Map<String, ThreadTicks> threadTicks) {}

  /** One thread's name and CPU ticks so far. */
  record ThreadTicks(String name, long ticks) {}

  ResourceSampler() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(gcListener, null, null);
      }
    }
    timer.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts a phase: a full GC first, so that the baseline is the live heap; the peaks start from
   * there; the kernel's RSS high-water mark is reset when the kernel lets this process do it.
   */
  Window begin() {
    return begin(false);
  }

  /**
   * Starts a phase; with {@code probeLiveHeap}, a full GC every second of the phase as well, so
   * that the live heap is known even when the phase allocates too little for a collection of its
   * own (the big-file scenario, which measures memory, not speed).
   */
  Window begin(boolean probeLiveHeap) {
    probeLive = false;
    System.gc();
    long heap = heapNow();
    long rss = status("VmRSS:");
    peakHeap.set(heap);
    peakRss.set(rss);
    peakLive.set(-1);
    probeLive = probeLiveHeap;
    return new Window(heap, rss, resetHighWaterMark(), os.getProcessCpuTime(), threadTicks());
  }

  Usage end(Window window) {
    probeLive = false;
    sample();
    return new Usage(
        window.baselineHeap(),
        peakHeap.get(),
        peakLive.get(),
        window.baselineRss(),
        peakRss.get(),
        status("VmHWM:"),
        window.hwmReset(),
        (os.getProcessCpuTime() - window.cpuNanos()) / 1e9,
        cpuByThreadGroup(window.threadTicks(), threadTicks()));
  }

  /**
   * CPU seconds of each thread group between two readings of {@link #threadTicks()}, largest first,
   * threads grouped as in profiles ({@link ProfileSummary#threadGroup}); null when either reading
   * failed. A thread that ended before the second reading is missing from it, and so is its time in
   * between: a group's figure is at most what it used.
   */
  static Map<String, Double> cpuByThreadGroup(
      Map<String, ThreadTicks> before, Map<String, ThreadTicks> after) {
    if (before == null || after == null) {
      return null;
    }
    Map<String, Long> groups = new HashMap<>();
    after.forEach(
        (tid, thread) -> {
          ThreadTicks earlier = before.get(tid);
          long used = thread.ticks() - (earlier == null ? 0 : earlier.ticks());
          groups.merge(ProfileSummary.threadGroup(thread.name()), used, Long::sum);
        });
    Map<String, Double> seconds = new LinkedHashMap<>();
    groups.entrySet().stream()
        .filter(group -> group.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(group -> seconds.put(group.getKey(), group.getValue() / 100.0));
    return seconds;
  }

  /** Process CPU seconds so far. */
  double cpuSeconds() {
    return os.getProcessCpuTime() / 1e9;
  }

  private void sample() {
    if (probeLive && ticks.incrementAndGet() % 10 == 0) {
      System.gc();
    }
    peakHeap.accumulateAndGet(heapNow(), Math::max);
    peakRss.accumulateAndGet(status("VmRSS:"), Math::max);
  }

  private static long heapNow() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private long heapUsed(Map<String, MemoryUsage> pools) {
    return pools.entrySet().stream()
        .filter(entry -> heapPools.contains(entry.getKey()))
        .mapToLong(entry -> entry.getValue().getUsed())
        .sum();
  }

  /**
   * Each thread of this process by id, with its name and the ticks of CPU (user + system, at
   * Linux's fixed 100 a second) it has used so far, from {@code /proc/self/task/<tid>/stat}; null
   * where that cannot be read. Names are as the kernel keeps them: at most 15 characters.
   */
  static Map<String, ThreadTicks> threadTicks() {
    Map<String, ThreadTicks> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          // the thread ended between the listing and the read
          continue;
        }
        String name = threadName(stat);
        if (name != null) {
          threads.put(task.getFileName().toString(), new ThreadTicks(name, ticks(stat)));
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("No CPU figures by thread: cannot list {}: {}", TASKS, e.toString());
      return null;
    }
    return threads;
  }

  /** The thread's name in one {@code stat} line, or null for a line that is not whole. */
  static String threadName(String stat) {
    int nameStart = stat.indexOf('(');
    int nameEnd = stat.lastIndexOf(')');
    return nameStart < 0 || nameEnd < nameStart ? null : stat.substring(nameStart + 1, nameEnd);
  }

  /** The user + system ticks in one thread's {@code stat} line; 0 for a line that is not whole. */
  static long ticks(String stat) {
    int nameEnd = stat.lastIndexOf(')');
    if (nameEnd < 0) {
      return 0;
    }
    // after the name: state is field 3 of stat, utime field 14, stime field 15
    String[] fields = stat.substring(nameEnd + 1).trim().split(" ");
    try {
      return fields.length > 12 ? Long.parseLong(fields[11]) + Long.parseLong(fields[12]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A size in bytes from /proc/self/status (reported there in kB), or 0 off Linux. */
  static long status(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
        }
      }
      return 0;
    } catch (IOException e) {
      log.debug("No {} in {}: {}", field, STATUS, e.toString());
      return 0;
    }
  }

  private static boolean resetHighWaterMark() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | SecurityException e) {
      log.debug("Cannot reset the RSS high-water mark: {}", e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        try {
          emitter.removeNotificationListener(gcListener);
        } catch (javax.management.ListenerNotFoundException e) {
          log.debug("GC listener already gone: {}", e.toString());
        }
      }
    }
  }
}
