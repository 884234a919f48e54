package org.attachmentpipeline.dlq.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title and the two credentials the write endpoints accept. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  static final String BEARER = "bearer";
  static final String BASIC = "basic";

  @Bean
  OpenAPI dlqOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("dlq-handler")
                .version("1")
                .description(
                    "Review, replay and discard the attachment pipeline's dead letters; every"
                        + " replay and discard is audited. Write endpoints need the configured"
                        + " bearer token or basic-authentication user."))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                .addSecuritySchemes(
                    BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")));
  }
}
