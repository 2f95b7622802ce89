package io.kraftwerk.master.util;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip at the fastest level, for catalogs and reports the master keeps: their JSON repeats itself
 * (every resource has the same fields), so 100 KB becomes 6 to 10 KB, for a fraction of a
 * millisecond.
 */
public final class Gzip {
    private Gzip() {
    }

    public static byte[] pack(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 8 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Data that unpacks to more than the limit allows (a report inflating past max-report-bytes). */
    public static final class TooLarge extends Exception {
        public TooLarge(long limit) {
            super("unpacks to more than " + limit + " bytes");
        }
    }

    /** Unpacks, reading no further than {@code limit} bytes: what was sent compressed cannot grow without bound. */
    public static byte[] unpack(byte[] packed, int limit) throws TooLarge {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
            byte[] data = in.readNBytes(limit);
            if (in.read() != -1) {
                throw new TooLarge(limit);
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("damaged gzip data: " + e.getMessage(), e);
        }
    }

    public static byte[] unpack(byte[] packed) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("damaged gzip data: " + e.getMessage(), e);
        }
    }
}
