package org.attachmentpipeline.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Gives a {@link PipelineIntegrationTest} its names: a property source placed just below the test's
 * own inlined properties (so that those win) and above the applications' yaml. Registered in {@code
 * META-INF/spring.factories}.
 */
class PipelineTestNamesCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    TestContextAnnotationUtils.AnnotationDescriptor<PipelineIntegrationTest> descriptor =
        TestContextAnnotationUtils.findAnnotationDescriptor(
            testClass, PipelineIntegrationTest.class);
    if (descriptor == null) {
      return null;
    }
    PipelineIntegrationTest test = descriptor.getAnnotation();
    String prefix =
        test.prefix().isEmpty()
            ? descriptor.getRootDeclaringClass().getSimpleName()
            : test.prefix();
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.kafka.bootstrap-servers", "${spring.embedded.kafka.brokers}");
    properties.putAll(new PipelineTestNames(prefix).properties(test.partitions()));
    return new NamesCustomizer(properties);
  }

  /** Equal for equal names, so that Spring's context cache keys stay right. */
  private record NamesCustomizer(Map<String, Object> properties) implements ContextCustomizer {

    private static final String NAME = "pipelineIntegrationTestNames";

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
      MutablePropertySources sources = context.getEnvironment().getPropertySources();
      MapPropertySource names = new MapPropertySource(NAME, properties);
      String inlined = TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME;
      if (sources.contains(inlined)) {
        sources.addAfter(inlined, names);
      } else {
        sources.addFirst(names);
      }
    }
  }
}
