package org.attachmentpipeline.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Worker applications running side by side in this process, each in its own Spring context. Closing
 * it stops them in the reverse of their start order, so the stages that let work in stop first.
 * Started through {@link PipelineRunner}.
 */
public final class RunningPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RunningPipeline.class);

  private final Map<Worker, ConfigurableApplicationContext> contexts = new EnumMap<>(Worker.class);
  private final List<Worker> startOrder = new ArrayList<>();
  private boolean closed;

  RunningPipeline() {}

  /** Records a started worker; if the pipeline was closed meanwhile, stops that worker at once. */
  synchronized void add(Worker worker, ConfigurableApplicationContext context) {
    if (closed) {
      context.close();
      throw new IllegalStateException(
          "The pipeline was closed while " + worker.cliName() + " started");
    }
    contexts.put(worker, context);
    startOrder.add(worker);
  }

  /** Whether {@link #close()} was called; a start in progress gives up when it is. */
  synchronized boolean isClosed() {
    return closed;
  }

  /** The workers that run, in start order. */
  public synchronized Set<Worker> workers() {
    return Collections.unmodifiableSet(contexts.keySet());
  }

  /** The Spring context of a running worker. */
  public synchronized ConfigurableApplicationContext context(Worker worker) {
    ConfigurableApplicationContext context = contexts.get(worker);
    if (context == null) {
      throw new NoSuchElementException(worker.cliName() + " is not running");
    }
    return context;
  }

  /**
   * The HTTP port that a running worker listens on (the actual one when it was configured as 0).
   */
  public int port(Worker worker) {
    Integer port = context(worker).getEnvironment().getProperty("local.server.port", Integer.class);
    if (port == null) {
      throw new IllegalStateException(worker.cliName() + " has no web server");
    }
    return port;
  }

  /**
   * Stops every worker, the last started first. Safe to call more than once and from any thread.
   */
  @Override
  public void close() {
    List<Worker> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(startOrder);
    }
    Collections.reverse(toStop);
    RuntimeException failure = null;
    for (Worker worker : toStop) {
      log.info("Stopping {}", worker.cliName());
      try {
        contexts.get(worker).close();
      } catch (RuntimeException e) {
        log.error("{} did not stop cleanly", worker.cliName(), e);
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
