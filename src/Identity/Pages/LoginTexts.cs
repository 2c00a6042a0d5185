using System.Globalization;
using System.Text.Encodings.Web;

namespace EfaPlatform.Identity.Pages;

/// <summary>The sign-in pages' texts in German (the default) and English.</summary>
public sealed class LoginTexts
{
    private static readonly Dictionary<string, string> English = new(StringComparer.Ordinal)
    {
        ["Service account"] = "Service account",
        ["Language"] = "Language",
        ["Sign in"] = "Sign in",
        ["E-mail address"] = "E-mail address",
        ["Password"] = "Password",
        ["Wrong credentials"] = "The e-mail address or the password is wrong.",
        ["Wrong credentials or code"] = "The e-mail address, the password or the security code is wrong.",
        ["Wait hint"] = "After several failed attempts, signing in with the password alone waits a while, longer after each failure. With an authenticator app you can sign in at once with password and security code.",
        ["Sign in with code"] = "Sign in with password and security code",
        ["Locked out"] = "Too many failed attempts: signing in is paused for a while. Try again later.",
        ["Inactive"] = "This account cannot sign in any more. Contact your administration.",
        ["Required"] = "Please fill in this field.",
        ["Security code"] = "Security code",
        ["Security code hint"] = "The 6-digit code from your authenticator app.",
        ["Confirm"] = "Confirm",
        ["Wrong code"] = "The security code is wrong or expired.",
        ["Two-step sign-in"] = "Two-step sign-in",
        ["Or"] = "Or sign in with the",
        ["Development eID"] = "development eID",
        ["Development eID title"] = "Development eID (not a real ID card)",
        ["Development eID warning"] = "This stands in for the online ID card during development. It proves nothing about anyone and is switched off in production.",
        ["Test person"] = "Test person",
        ["Continue"] = "Continue",
        ["Error"] = "Error",
        ["Something went wrong"] = "Sign-in could not be completed.",
        ["Back to sign-in"] = "Back to sign-in",
    };

    private static readonly Dictionary<string, string> German = new(StringComparer.Ordinal)
    {
        ["Service account"] = "Servicekonto",
        ["Language"] = "Sprache",
        ["Sign in"] = "Anmelden",
        ["E-mail address"] = "E-Mail-Adresse",
        ["Password"] = "Passwort",
        ["Wrong credentials"] = "E-Mail-Adresse oder Passwort ist falsch.",
        ["Wrong credentials or code"] = "E-Mail-Adresse, Passwort oder Sicherheitscode ist falsch.",
        ["Wait hint"] = "Nach mehreren Fehlversuchen ist die Anmeldung nur mit Passwort eine Weile gesperrt, nach jedem weiteren länger. Mit einer Authenticator-App können Sie sich sofort mit Passwort und Sicherheitscode anmelden.",
        ["Sign in with code"] = "Mit Passwort und Sicherheitscode anmelden",
        ["Locked out"] = "Zu viele Fehlversuche: Die Anmeldung ist vorübergehend gesperrt. Bitte versuchen Sie es später erneut.",
        ["Inactive"] = "Mit diesem Konto ist keine Anmeldung mehr möglich. Wenden Sie sich an Ihre Verwaltung.",
        ["Required"] = "Bitte füllen Sie dieses Feld aus.",
        ["Security code"] = "Sicherheitscode",
        ["Security code hint"] = "Der 6-stellige Code aus Ihrer Authenticator-App.",
        ["Confirm"] = "Bestätigen",
        ["Wrong code"] = "Der Sicherheitscode ist falsch oder abgelaufen.",
        ["Two-step sign-in"] = "Anmeldung in zwei Schritten",
        ["Or"] = "Oder anmelden mit der",
        ["Development eID"] = "Entwicklungs-eID",
        ["Development eID title"] = "Entwicklungs-eID (kein echter Personalausweis)",
        ["Development eID warning"] = "Dies ersetzt während der Entwicklung den Online-Ausweis. Es weist niemanden aus und ist im Betrieb abgeschaltet.",
        ["Test person"] = "Testperson",
        ["Continue"] = "Weiter",
        ["Error"] = "Fehler",
        ["Something went wrong"] = "Die Anmeldung konnte nicht abgeschlossen werden.",
        ["Back to sign-in"] = "Zurück zur Anmeldung",
    };

    private readonly Dictionary<string, string> _texts;

    private LoginTexts(string language, Dictionary<string, string> texts)
    {
        Language = language;
        _texts = texts;
    }

    public string Language { get; }

    public string this[string key] => _texts.TryGetValue(key, out var text) ? text : key;

    public static LoginTexts For(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "en" ? new LoginTexts("en", English) : new LoginTexts("de", German);

    /// <summary>The current query string with ui-culture set, so that switching language keeps the sign-in request.</summary>
    public static string LanguageQuery(IQueryCollection query, string language) =>
        string.Join('&', query.Where(pair => pair.Key != "ui-culture")
            .Select(pair => $"{UrlEncoder.Default.Encode(pair.Key)}={UrlEncoder.Default.Encode(pair.Value.ToString())}")
            .Append($"ui-culture={language}"));
}
