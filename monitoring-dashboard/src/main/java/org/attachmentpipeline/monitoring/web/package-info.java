/** The dashboard's HTTP surface: {@code GET /api/overview}; the page itself is a static file. */
package org.attachmentpipeline.monitoring.web;
