package io.kraftwerk.model.validation;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.lang.annotation.ElementType;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.hibernate.validator.spi.tracking.ProcessedBeansTrackingVoter;

/**
 * Validates model records against their Hibernate Validator constraints and reports violations with
 * the JSON/YAML (snake_case) attribute names users write.
 */
public final class ModelValidator {
    /** Held so the level set below is not garbage collected with the logger. */
    private static final Logger HV_LOGGER = Logger.getLogger("org.hibernate.validator");
    private static final ModelValidator INSTANCE = new ModelValidator();

    private final Validator validator;

    private ModelValidator() {
        // Hibernate Validator announces its version at INFO on start; tools print nothing unasked.
        HV_LOGGER.setLevel(Level.WARNING);
        // Messages are fixed strings and {min}-style parameters: no expression language needed.
        // Model records are plain values, never JPA entities: with JPA on the class path (the master)
        // Hibernate Validator would otherwise ask JPA whether each property is loaded before reading
        // it, which took two thirds of validating a 200-resource report (docs/benchmarks.md, issue 17).
        // Nor does it need to remember every bean it has validated to break cycles: records are
        // built from the leaves up, so a graph of them has none (the remembering was a third of the rest).
        ValidatorFactory factory = Validation.byProvider(HibernateValidator.class).configure()
                .messageInterpolator(new ParameterMessageInterpolator())
                .traversableResolver(new EverythingReachable())
                .enableTraversableResolverResultCache(false) // an answer that is always yes needs no cache
                .processedBeansTrackingVoter(new RecordsHaveNoCycles())
                .buildValidatorFactory();
        this.validator = factory.getValidator();
    }

    /** Every property of a record is there to be read and cascaded into. */
    private static final class EverythingReachable implements TraversableResolver {
        @Override
        public boolean isReachable(Object bean, Path.Node property, Class<?> rootBean, Path pathToProperty, ElementType type) {
            return true;
        }

        @Override
        public boolean isCascadable(Object bean, Path.Node property, Class<?> rootBean, Path pathToProperty, ElementType type) {
            return true;
        }
    }

    /** Records are immutable and made from their parts, so no record can reach itself again. */
    private static final class RecordsHaveNoCycles implements ProcessedBeansTrackingVoter {
        @Override
        public Vote isEnabledForBean(Class<?> beanClass, boolean hasCascadables) {
            return beanClass.isRecord() ? Vote.NON_TRACKING : Vote.DEFAULT;
        }

        @Override
        public Vote isEnabledForReturnValue(Class<?> beanClass, String name, Class<?>[] parameterTypes, boolean hasCascadables) {
            return Vote.DEFAULT;
        }

        @Override
        public Vote isEnabledForParameters(Class<?> beanClass, String name, Class<?>[] parameterTypes, boolean hasCascadables) {
            return Vote.DEFAULT;
        }
    }

    public static ModelValidator get() {
        return INSTANCE;
    }

    /**
     * Builds the validation metadata of the given record types now, by validating a blank instance
     * of each (its violations are thrown away). Programs that start, validate once and exit (the
     * agent) call this on a spare thread while they parse, so validation itself is cheap.
     */
    public void warmUp(List<Class<? extends Record>> types) {
        for (Class<? extends Record> type : types) {
            try {
                var components = type.getRecordComponents();
                Class<?>[] parameters = new Class<?>[components.length];
                Object[] arguments = new Object[components.length];
                for (int i = 0; i < components.length; i++) {
                    parameters[i] = components[i].getType();
                    arguments[i] = parameters[i] == boolean.class ? Boolean.FALSE
                            : parameters[i] == int.class ? Integer.valueOf(0) : parameters[i] == long.class ? Long.valueOf(0) : null;
                }
                validator.validate(type.getDeclaredConstructor(parameters).newInstance(arguments));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // warming is an optimization: a type that cannot be built blank is simply validated later
            }
        }
    }

    /** All violations, sorted by path then message so output is stable. */
    public List<Violation> validate(Object value) {
        return validator.validate(value).stream()
                .map(ModelValidator::toViolation)
                .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                .toList();
    }

    private static Violation toViolation(ConstraintViolation<?> v) {
        StringBuilder path = new StringBuilder();
        boolean crossField = false;
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                appendIndex(path, node);
                continue;
            }
            if (node.getKind() == ElementKind.PROPERTY) {
                // an index on a property node belongs to the collection it sits in
                appendIndex(path, node);
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(snakeCase(node.getName()));
                crossField = isCheckName(v, node.getName());
            }
        }
        return new Violation(path.toString(), v.getMessage(), crossField);
    }

    private static void appendIndex(StringBuilder path, Path.Node node) {
        if (node.getIndex() != null) {
            path.append('[').append(node.getIndex()).append(']');
        } else if (node.getKey() != null) {
            path.append('[').append(node.getKey()).append(']');
        }
    }

    /** Cross-field checks are boolean {@code isXxx()} methods, not record components. */
    private static boolean isCheckName(ConstraintViolation<?> v, String name) {
        Object leaf = v.getLeafBean();
        if (leaf == null || !leaf.getClass().isRecord()) {
            return false;
        }
        for (var component : leaf.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                return false;
            }
        }
        return true;
    }

    /** {@code serverNames} → {@code server_names}, as Jackson's SNAKE_CASE strategy spells it. */
    public static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
