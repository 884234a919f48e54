package org.attachmentpipeline.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaBroker;

/** Where the module's embedded broker (spring-kafka's global embedded Kafka) listens. */
public final class EmbeddedBroker {

  private EmbeddedBroker() {}

  /** The broker's bootstrap servers; fails when no embedded broker runs. */
  public static String brokers() {
    String brokers = System.getProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
    if (brokers == null) {
      throw new IllegalStateException(
          "no embedded broker: set spring.kafka.global.embedded.enabled=true in"
              + " junit-platform.properties");
    }
    return brokers;
  }
}
