package org.greenspoof.cli;

import java.util.Iterator;
import org.greenspoof.classify.ClassifierKind;
import org.greenspoof.classify.ClassifierKinds;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts {@code --kind}/{@code --kinds} values through the registry; an unknown name lists the valid ones. */
final class KindConverter implements ITypeConverter<ClassifierKind<?>> {

    @Override
    public ClassifierKind<?> convert(String value) {
        try {
            return ClassifierKinds.byCliName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** The valid names, for picocli's completion and {@code ${COMPLETION-CANDIDATES}} in help texts. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ClassifierKinds.ALL.stream().map(ClassifierKind::cliName).iterator();
        }
    }
}
