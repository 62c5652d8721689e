package io.github.ark4j.course;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The line a grading run's check cell prints for the grader: {@code ark4j-grade <exercise> PASS|FAIL <message in
 * Base64> <tag>}, the tag an HMAC-SHA256 of the rest keyed with a nonce that the grader draws for each run. The nonce
 * appears only in the source of the check cells the grader writes, never in any output, so neither text printed by a
 * submission's own code nor a submission that rewrites what is printed can produce a line that verifies.
 */
public final class Grading {
    static final String PREFIX = "ark4j-grade";

    private Grading() {
    }

    /** Prints the verdict in words and the result line of one check (nothing returned, as for {@link CheckResult#show}). */
    public static void emit(String nonce, CheckResult result) {
        result.show();
        System.out.println(line(nonce, result));
        System.out.flush();
    }

    static String line(String nonce, CheckResult r) {
        String body = PREFIX + " " + r.exercise() + " " + (r.passed() ? "PASS" : "FAIL") + " "
                + Base64.getEncoder().encodeToString(r.message().getBytes(StandardCharsets.UTF_8));
        return body + " " + tag(nonce, body);
    }

    /** The result in a printed line for this run's nonce and this exercise, or null when the line is not a valid one. */
    static CheckResult parse(String nonce, String exercise, String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 5 || !f[0].equals(PREFIX) || !f[1].equals(exercise) || !(f[2].equals("PASS") || f[2].equals("FAIL"))) {
            return null;
        }
        String body = String.join(" ", f[0], f[1], f[2], f[3]);
        if (!MessageDigest.isEqual(tag(nonce, body).getBytes(StandardCharsets.US_ASCII), f[4].getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        try {
            return new CheckResult(exercise, f[2].equals("PASS"), new String(Base64.getDecoder().decode(f[3]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static String tag(String nonce, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nonce.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
