/**
 * What the broker says about the pipeline: records per topic, and lag and members per consumer
 * group that reads a pipeline topic. One shared Kafka {@code Admin} client asks; answers are cached
 * for {@code pipeline.monitoring.cache-ttl}.
 */
package org.attachmentpipeline.monitoring.overview;
