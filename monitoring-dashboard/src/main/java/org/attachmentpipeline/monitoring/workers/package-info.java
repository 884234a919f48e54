/**
 * The workers as their own metrics describe them: work in flight, cache use, retries and dead
 * letters, read from each worker's {@code /actuator/prometheus}.
 */
package org.attachmentpipeline.monitoring.workers;
