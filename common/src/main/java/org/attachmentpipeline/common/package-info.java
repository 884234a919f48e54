/**
 * The contracts every worker shares: the records that travel on the topics, the topic names, how a
 * failure is routed to a retry tier or the dead-letter topic, and the JSON form of it all. Worker
 * logic never lives here.
 */
package org.attachmentpipeline.common;
