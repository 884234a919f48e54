package org.attachmentpipeline.results.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.observability.RedeliveryLog;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Builds the container factories of the result processor's table writers, which all work alike: a
 * batch listener whose poll size and wait come from {@code pipeline.results.batch}, whose offsets
 * are committed only after the listener returns ({@link AckMode#BATCH}), and whose error handler
 * delivers a failed batch again, with a back-off from {@code pipeline.results.commit}, for as long
 * as it takes: a record is never skipped. Boot's consumer settings (brokers, security, the Kafka
 * client metrics Micrometer binds) are kept.
 */
public final class BatchListenerFactories {

  private BatchListenerFactories() {}

  /**
   * A batch listener container factory whose values are read by {@code values} and whose partition
   * assignments are told to {@code rebalances}.
   */
  public static <V> ConcurrentKafkaListenerContainerFactory<String, V> create(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<?, ?> bootConsumerFactory,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers,
      ResultProcessorProperties properties,
      Deserializer<V> values,
      ConsumerRebalanceListener rebalances) {
    Map<String, Object> config = new HashMap<>(bootConsumerFactory.getConfigurationProperties());
    ResultProcessorProperties.Batch batch = properties.batch();
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch.maxRecords());
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) batch.maxWait().toMillis());
    int minBytes = (int) batch.minBytes().toBytes();
    config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, minBytes);
    // a partition's share of a fetch is capped (1 MB by default) and the broker counts only that
    // share towards min-bytes: one busy partition alone must be able to fill a fetch, or a
    // consumer of few partitions would wait max-wait for every 1 MB
    int partitionBytes = Math.max(ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES, minBytes);
    config.merge(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        partitionBytes,
        (given, ours) -> Math.max(Integer.parseInt(given.toString()), partitionBytes));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    DefaultKafkaConsumerFactory<String, V> consumerFactory =
        new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), values);
    // Boot's customizers, as for its own factory: the Micrometer listener that publishes the Kafka
    // client metrics (records-lag-max...) among them
    customizers.orderedStream().forEach(customizer -> customizer.customize(consumerFactory));

    ConcurrentKafkaListenerContainerFactory<String, V> factory =
        new ConcurrentKafkaListenerContainerFactory<>();
    configurer.configure(cast(factory), cast(consumerFactory));
    factory.setConsumerFactory(consumerFactory);
    factory.setBatchListener(true);
    factory.getContainerProperties().setAckMode(AckMode.BATCH);
    factory.getContainerProperties().setConsumerRebalanceListener(rebalances);
    ExponentialBackOff backOff =
        new ExponentialBackOff(properties.commit().retryInitial().toMillis(), 2.0);
    backOff.setMaxInterval(properties.commit().retryMax().toMillis());
    DefaultErrorHandler errorHandler = new DefaultErrorHandler(backOff);
    errorHandler.setRetryListeners(new RedeliveryLog());
    factory.setCommonErrorHandler(errorHandler);
    return factory;
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object value) {
    return (T) value;
  }
}
