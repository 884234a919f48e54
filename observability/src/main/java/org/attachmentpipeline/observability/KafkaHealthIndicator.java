package org.attachmentpipeline.observability;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the Kafka cluster answers: a worker that cannot reach its broker is not ready, so a load
 * balancer or an orchestrator stops counting on it. One admin client per application, created on
 * the first check; each check asks for the cluster's nodes with a short timeout.
 */
final class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

  private final Map<String, Object> adminConfig;
  private final Duration timeout;
  private Admin admin;

  KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout) {
    super("Kafka health check failed");
    this.adminConfig = adminConfig;
    this.timeout = timeout;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder)
      throws InterruptedException, ExecutionException, TimeoutException {
    DescribeClusterResult cluster =
        admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
    Collection<Node> nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    builder.up().withDetail("clusterId", clusterId).withDetail("nodes", nodes.size());
  }

  private synchronized Admin admin() {
    if (admin == null) {
      Map<String, Object> config = new HashMap<>(adminConfig);
      config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "health-check");
      config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
      admin = Admin.create(config);
    }
    return admin;
  }

  @Override
  public synchronized void destroy() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
    }
  }
}
