/**
 * The dead letters on the page: counts and the newest entries from the dlq-handler's API (or from
 * the dead-letter topic when the API is down), and replays forwarded to the API with its token.
 */
package org.attachmentpipeline.monitoring.dlq;
