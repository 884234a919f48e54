package org.attachmentpipeline.launcher;

import java.util.Optional;

/**
 * Which Kafka the launcher's workers use: an external cluster (whose address the workers already
 * read from their configuration), a broker found listening on the embedded port, or one started
 * here.
 *
 * @param description how the startup line names it
 * @param bootstrapServers the address to hand to every worker, when the launcher decides it
 * @param broker the broker this launcher started and must stop, if any
 */
record KafkaChoice(String description, Optional<String> bootstrapServers, LocalKafkaBroker broker) {

  static KafkaChoice external(String description) {
    return new KafkaChoice(description + ", external", Optional.empty(), null);
  }

  static KafkaChoice reused(String servers) {
    return new KafkaChoice(servers + " (reused, already running)", Optional.of(servers), null);
  }

  static KafkaChoice embedded(LocalKafkaBroker broker) {
    return new KafkaChoice(
        broker.bootstrapServers() + " (embedded, data " + broker.dataDir() + ")",
        Optional.of(broker.bootstrapServers()),
        broker);
  }
}
