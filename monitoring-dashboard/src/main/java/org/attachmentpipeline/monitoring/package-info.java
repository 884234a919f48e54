/**
 * The monitoring dashboard: the pipeline's topics and consumer groups as the broker reports them
 * ({@code overview}), served as JSON and as one static page ({@code web}). Throughput charts and
 * replay controls come on top of these.
 */
package org.attachmentpipeline.monitoring;
