/**
 * What every worker shows an operator, in one place so that the six applications agree: Kafka
 * readiness, Prometheus text at {@code /metrics}, the {@code instance} tag, Kafka observation (one
 * trace per event across topics), task ids in the logging context, and the log format.
 */
package org.attachmentpipeline.observability;
