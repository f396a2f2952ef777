package org.greenspoof.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;
import org.greenspoof.store.EmbedJob;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An enum as the command line spells it: the constant's name in lower case (so users never see
 * Java's constant names, in values or in errors); an unknown value gets the valid spellings
 * (picocli names the option). One subclass per enum, as picocli instantiates converters by class; each is
 * also its option's completion candidates.
 */
abstract class LowerCaseEnum<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {

    private final Class<E> type;

    LowerCaseEnum(Class<E> type) {
        this.type = type;
    }

    static String spelling(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public E convert(String value) {
        for (E e : type.getEnumConstants()) {
            if (spelling(e).equals(value)) {
                return e;
            }
        }
        String valid = Arrays.stream(type.getEnumConstants()).map(LowerCaseEnum::spelling).collect(Collectors.joining(" or "));
        throw new TypeConversionException("expected " + valid + ", not '" + value + "'");
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(type.getEnumConstants()).map(LowerCaseEnum::spelling).iterator();
    }

    /** What turns audio into embeddings. */
    enum Frontend {
        ENCODER, LFCC
    }

    /** How the threads share the work of embedding many files. */
    enum Parallel {
        FILES, WITHIN
    }

    static final class FrontendSpelling extends LowerCaseEnum<Frontend> {
        FrontendSpelling() {
            super(Frontend.class);
        }
    }

    static final class ParallelSpelling extends LowerCaseEnum<Parallel> {
        ParallelSpelling() {
            super(Parallel.class);
        }
    }

    static final class OnErrorSpelling extends LowerCaseEnum<EmbedJob.OnError> {
        OnErrorSpelling() {
            super(EmbedJob.OnError.class);
        }
    }
}
