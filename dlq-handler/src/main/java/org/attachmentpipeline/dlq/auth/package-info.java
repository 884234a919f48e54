/**
 * The credential of the dlq-handler's write endpoints (a bearer token and/or a basic-authentication
 * user from configuration), applied with Spring Security but without Spring Boot's security
 * auto-configuration.
 */
package org.attachmentpipeline.dlq.auth;
