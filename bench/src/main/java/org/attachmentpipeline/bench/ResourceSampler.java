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
   * really kept), -1 when no collection happened in the phase.
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
      double compilerCpuSeconds) {}

  /** The start of a measured phase. */
  record Window(
      long baselineHeap, long baselineRss, boolean hwmReset, long cpuNanos, double compilerCpu) {}

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
    return new Window(
        heap, rss, resetHighWaterMark(), os.getProcessCpuTime(), compilerCpuSeconds());
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
        Double.isNaN(window.compilerCpu())
            ? Double.NaN
            : Math.max(0, compilerCpuSeconds() - window.compilerCpu()));
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
   * CPU seconds the JIT compiler threads of this process have used so far, from {@code
   * /proc/self/task/<tid>/stat} (user + system ticks, at Linux's fixed 100 ticks a second); NaN
   * where that cannot be read. The JDK may stop a compiler thread it no longer needs, and its time
   * then leaves the sum: a difference of two readings is at least what the compiler took meanwhile.
   */
  static double compilerCpuSeconds() {
    long ticks = 0;
    try (Stream<Path> threads = Files.list(TASKS)) {
      for (Path thread : threads.toList()) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (IOException ended) {
          // the thread ended between the listing and the read
          continue;
        }
        ticks += compilerTicks(stat);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("No JIT compiler CPU figure: cannot list {}: {}", TASKS, e.toString());
      return Double.NaN;
    }
    return ticks / 100.0;
  }

  /**
   * The user + system ticks in one thread's {@code stat} line when it is a JIT compiler thread; 0
   * for any other thread, and for a line that is not whole (a thread that is ending).
   */
  static long compilerTicks(String stat) {
    int nameStart = stat.indexOf('(');
    int nameEnd = stat.lastIndexOf(')');
    if (nameStart < 0 || nameEnd < nameStart) {
      return 0;
    }
    if (!stat.substring(nameStart + 1, nameEnd).contains("CompilerThre")) {
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
