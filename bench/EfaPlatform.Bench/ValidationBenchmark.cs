using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>The validation engine alone, in process: time and allocation per check of the registration form by number of persons.</summary>
internal static class ValidationBenchmark
{
    public static void Run(int iterations)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Catalog", "anmeldung-wohnung.v1.json");
        var (definition, problems) = ManifestReader.Read(Path.GetFileName(file), File.ReadAllText(file));
        if (definition is null)
        {
            throw new InvalidOperationException(string.Join("; ", problems));
        }

        var validator = new FormValidator(TimeProvider.System);
        foreach (var persons in new[] { 1, 10, 20 })
        {
            var answers = JsonSerializer.SerializeToElement(SampleAnswers.Registration(persons));
            for (var i = 0; i < 1000; i++)
            {
                validator.Validate(definition.Form, answers, ValidationMode.Submission, "de");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                if (validator.Validate(definition.Form, answers, ValidationMode.Submission, "de").Count != 0)
                {
                    throw new InvalidOperationException("The sample answers should be valid.");
                }
            }

            var perCall = clock.Elapsed.TotalMicroseconds / iterations;
            var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"validate Anmeldung with {persons,2} person(s), {answers.GetRawText().Length,5} bytes of answers: {perCall:0.0} µs and {bytes:N0} bytes allocated per check ({iterations} checks)"));
        }
    }
}
