/**
 * The monitoring dashboard: the pipeline's topics and consumer groups as the broker reports them,
 * sampled into a throughput history ({@code overview}), the workers' own metrics ({@code workers}),
 * the dead letters with replay through the dlq-handler ({@code dlq}), served as JSON and as one
 * static page ({@code web}).
 */
package org.attachmentpipeline.monitoring;
