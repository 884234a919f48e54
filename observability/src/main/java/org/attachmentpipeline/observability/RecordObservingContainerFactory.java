package org.attachmentpipeline.observability;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;

/**
 * A listener container factory whose listeners hand each record to work that observes it where it
 * runs ({@link RecordObservation}), as the download window does. Its containers do not observe the
 * record a second time: {@link KafkaObservationEnabler} turns their observation off, which saves an
 * observation (a span, a timer and their scopes) per record. The trace is the same: each record's
 * own observation continues the trace its headers carry.
 */
public class RecordObservingContainerFactory<K, V>
    extends ConcurrentKafkaListenerContainerFactory<K, V> {}
