/**
 * The dashboard's HTTP surface: {@code GET /api/overview} and the replay proxy; the page is a
 * static file.
 */
package org.attachmentpipeline.monitoring.web;
