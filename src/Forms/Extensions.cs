using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;

namespace EfaPlatform.Forms;

public static class Extensions
{
    public static IHostApplicationBuilder AddFormsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FormsOptions>().Bind(builder.Configuration.GetSection(FormsOptions.SectionName)).ValidateOnStart();
        builder.AddEfaPostgres();
        builder.AddEfaRedis();
        builder.AddEfaAuthentication();
        builder.AddEfaGrpcApi();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FormValidator>();
        builder.Services.AddSingleton<DefinitionStore>();
        return builder;
    }

    public static WebApplication MapFormsEndpoints(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<DefinitionsService>();
        app.MapGrpcService<Drafts.DraftsService>();
        app.MapGrpcService<Activations.ActivationsService>();
        app.MapGrpcReflectionService();
        return app;
    }
}
