/* The words of every message in English, Dutch and Swedish. Ticket mail
 * keeps the subject "[{ref}] {title}" so mail clients thread it. */
#include "mail_templates.h"

#include <stddef.h>
#include <string.h>

static const char *const kind_names[MAIL_KIND_COUNT] = {
	[MAIL_TICKET_CREATED] = "ticket_created",
	[MAIL_TICKET_COMMENT] = "ticket_comment",
	[MAIL_TICKET_STATUS] = "ticket_status",
	[MAIL_TICKET_RESOLVED] = "ticket_resolved",
	[MAIL_SLA_WARNING] = "sla_warning",
	[MAIL_SLA_BREACH] = "sla_breach",
	[MAIL_ACTIVATION] = "activation",
	[MAIL_RESET] = "reset",
	[MAIL_INVITATION] = "invitation",
	[MAIL_SIGNUP_KNOWN] = "signup_known",
	[MAIL_ACCESS_REQUEST] = "access_request",
};

const char *const mail_languages[] = { "en", "nl", "sv", NULL };

static const struct mail_words words[] = {
	{
		.lang = "en",
		.marker = "## Reply above this line ##",
		.hello = "Hello {name},",
		.hello_anon = "Hello,",
		.status = "Status: {status}",
		.support = "The service desk",
		.closing = "Kind regards,",
		.signer = "The service desk",
		.why = "You receive this message because you follow request {ref}.",
		.stop = "Stop e-mail about this request",
		.sla_target = { "First response", "Resolution", "Triage" },
		.sla_due = "due",
		.kinds = {
			[MAIL_TICKET_CREATED] = {
				"[{ref}] {title}",
				"Request {ref} has been registered. We will get back to you as soon as possible.",
				"View the request",
				"To add information, reply to this message or use the portal.",
			},
			[MAIL_TICKET_COMMENT] = {
				"[{ref}] {title}",
				"{actor} added a comment to request {ref}:",
				"View the request",
				NULL,
			},
			[MAIL_TICKET_STATUS] = {
				"[{ref}] {title}",
				"{actor} changed the status of request {ref} to {status}.",
				"View the request",
				NULL,
			},
			[MAIL_TICKET_RESOLVED] = {
				"[{ref}] {title}",
				"{actor} has resolved request {ref}.",
				"View the request",
				"If the solution does not work for you, reply to this message or reopen the request in the portal.",
			},
			[MAIL_SLA_WARNING] = {
				"[{ref}] SLA warning: {title}",
				"A service level target of request {ref} will soon be missed.",
				"View the request",
				NULL,
			},
			[MAIL_SLA_BREACH] = {
				"[{ref}] SLA breach: {title}",
				"A service level target of request {ref} has been missed.",
				"View the request",
				NULL,
			},
			[MAIL_ACTIVATION] = {
				"Activate your account",
				"Welcome! Open the link below to activate your account and choose your password.",
				"Activate your account",
				"The link works once and for a limited time. If you did not sign up, you can ignore this message.",
			},
			[MAIL_RESET] = {
				"Reset your password",
				"We received a request to reset the password of your account.",
				"Choose a new password",
				"The link works once and for a limited time. If you did not ask for this, you can ignore this message; your password stays as it is.",
			},
			[MAIL_INVITATION] = {
				"Your invitation to the service portal",
				"{actor} has invited you to the service portal. Open the link below to set up your account.",
				"Accept the invitation",
				"The link works once and for a limited time.",
			},
			[MAIL_SIGNUP_KNOWN] = {
				"Your account",
				"Someone tried to sign up with this address, but it already has an account. If that was you, sign in, or choose a new password if you have forgotten it.",
				"Go to the portal",
				"If it was not you, you can ignore this message.",
			},
			[MAIL_ACCESS_REQUEST] = {
				"Access request: {title}",
				"{actor} asks for portal access for a colleague:",
				"Review the request",
				NULL,
			},
		},
	},
	{
		.lang = "nl",
		.marker = "## Antwoord boven deze regel ##",
		.hello = "Beste {name},",
		.hello_anon = "Beste klant,",
		.status = "Status: {status}",
		.support = "De servicedesk",
		.closing = "Met vriendelijke groet,",
		.signer = "De servicedesk",
		.why = "U ontvangt dit bericht omdat u melding {ref} volgt.",
		.stop = "Geen e-mail meer over deze melding",
		.sla_target = { "Eerste reactie", "Oplossing", "Beoordeling" },
		.sla_due = "uiterlijk",
		.kinds = {
			[MAIL_TICKET_CREATED] = {
				"[{ref}] {title}",
				"Uw melding is geregistreerd onder nummer {ref}. Wij nemen zo snel mogelijk contact met u op.",
				"Bekijk de melding",
				"Wilt u iets toevoegen? Beantwoord dan dit bericht of gebruik het portaal.",
			},
			[MAIL_TICKET_COMMENT] = {
				"[{ref}] {title}",
				"{actor} heeft een reactie toegevoegd aan melding {ref}:",
				"Bekijk de melding",
				NULL,
			},
			[MAIL_TICKET_STATUS] = {
				"[{ref}] {title}",
				"{actor} heeft de status van melding {ref} gewijzigd in {status}.",
				"Bekijk de melding",
				NULL,
			},
			[MAIL_TICKET_RESOLVED] = {
				"[{ref}] {title}",
				"{actor} heeft melding {ref} opgelost.",
				"Bekijk de melding",
				"Werkt de oplossing niet? Beantwoord dan dit bericht of heropen de melding in het portaal.",
			},
			[MAIL_SLA_WARNING] = {
				"[{ref}] SLA-waarschuwing: {title}",
				"Een servicenorm van melding {ref} dreigt te worden overschreden.",
				"Bekijk de melding",
				NULL,
			},
			[MAIL_SLA_BREACH] = {
				"[{ref}] SLA overschreden: {title}",
				"Een servicenorm van melding {ref} is overschreden.",
				"Bekijk de melding",
				NULL,
			},
			[MAIL_ACTIVATION] = {
				"Activeer uw account",
				"Welkom! Open de onderstaande link om uw account te activeren en een wachtwoord te kiezen.",
				"Account activeren",
				"De link werkt één keer en is beperkt geldig. Hebt u zich niet aangemeld? Dan kunt u dit bericht negeren.",
			},
			[MAIL_RESET] = {
				"Wachtwoord opnieuw instellen",
				"Wij hebben een verzoek ontvangen om het wachtwoord van uw account opnieuw in te stellen.",
				"Nieuw wachtwoord kiezen",
				"De link werkt één keer en is beperkt geldig. Hebt u dit niet gevraagd? Dan kunt u dit bericht negeren; uw wachtwoord blijft ongewijzigd.",
			},
			[MAIL_INVITATION] = {
				"Uw uitnodiging voor het serviceportaal",
				"{actor} heeft u uitgenodigd voor het serviceportaal. Open de onderstaande link om uw account in te richten.",
				"Uitnodiging aannemen",
				"De link werkt één keer en is beperkt geldig.",
			},
			[MAIL_SIGNUP_KNOWN] = {
				"Uw account",
				"Iemand probeerde zich met dit adres aan te melden, maar er bestaat al een account voor. Was u dat? Log dan in, of kies een nieuw wachtwoord als u het vergeten bent.",
				"Naar het portaal",
				"Was u het niet? Dan kunt u dit bericht negeren.",
			},
			[MAIL_ACCESS_REQUEST] = {
				"Verzoek om toegang: {title}",
				"{actor} vraagt toegang tot het portaal voor een collega:",
				"Verzoek beoordelen",
				NULL,
			},
		},
	},
	{
		.lang = "sv",
		.marker = "## Svara ovanför denna rad ##",
		.hello = "Hej {name}!",
		.hello_anon = "Hej!",
		.status = "Status: {status}",
		.support = "Supporten",
		.closing = "Med vänliga hälsningar",
		.signer = "Supporten",
		.why = "Du får detta meddelande eftersom du följer ärende {ref}.",
		.stop = "Sluta få e-post om detta ärende",
		.sla_target = { "Första svar", "Lösning", "Bedömning" },
		.sla_due = "senast",
		.kinds = {
			[MAIL_TICKET_CREATED] = {
				"[{ref}] {title}",
				"Ditt ärende har registrerats med nummer {ref}. Vi återkommer så snart som möjligt.",
				"Visa ärendet",
				"Vill du lägga till något? Svara på detta meddelande eller använd portalen.",
			},
			[MAIL_TICKET_COMMENT] = {
				"[{ref}] {title}",
				"{actor} har lagt till en kommentar i ärende {ref}:",
				"Visa ärendet",
				NULL,
			},
			[MAIL_TICKET_STATUS] = {
				"[{ref}] {title}",
				"{actor} har ändrat status för ärende {ref} till {status}.",
				"Visa ärendet",
				NULL,
			},
			[MAIL_TICKET_RESOLVED] = {
				"[{ref}] {title}",
				"{actor} har löst ärende {ref}.",
				"Visa ärendet",
				"Om lösningen inte fungerar kan du svara på detta meddelande eller öppna ärendet igen i portalen.",
			},
			[MAIL_SLA_WARNING] = {
				"[{ref}] SLA-varning: {title}",
				"Ett servicenivåmål för ärende {ref} riskerar snart att missas.",
				"Visa ärendet",
				NULL,
			},
			[MAIL_SLA_BREACH] = {
				"[{ref}] SLA överskridet: {title}",
				"Ett servicenivåmål för ärende {ref} har missats.",
				"Visa ärendet",
				NULL,
			},
			[MAIL_ACTIVATION] = {
				"Aktivera ditt konto",
				"Välkommen! Öppna länken nedan för att aktivera ditt konto och välja ett lösenord.",
				"Aktivera kontot",
				"Länken fungerar en gång och under begränsad tid. Om du inte har registrerat dig kan du bortse från detta meddelande.",
			},
			[MAIL_RESET] = {
				"Återställ ditt lösenord",
				"Vi har fått en begäran om att återställa lösenordet för ditt konto.",
				"Välj ett nytt lösenord",
				"Länken fungerar en gång och under begränsad tid. Om du inte har bett om detta kan du bortse från meddelandet; ditt lösenord förblir oförändrat.",
			},
			[MAIL_INVITATION] = {
				"Din inbjudan till kundportalen",
				"{actor} har bjudit in dig till kundportalen. Öppna länken nedan för att skapa ditt konto.",
				"Tacka ja till inbjudan",
				"Länken fungerar en gång och under begränsad tid.",
			},
			[MAIL_SIGNUP_KNOWN] = {
				"Ditt konto",
				"Någon försökte registrera sig med denna adress, men det finns redan ett konto för den. Om det var du kan du logga in, eller välja ett nytt lösenord om du har glömt det.",
				"Till portalen",
				"Om det inte var du kan du bortse från detta meddelande.",
			},
			[MAIL_ACCESS_REQUEST] = {
				"Begäran om åtkomst: {title}",
				"{actor} begär åtkomst till portalen för en kollega:",
				"Granska begäran",
				NULL,
			},
		},
	},
};

const char *mail_kind_name(enum mail_kind k)
{
	return (unsigned)k < MAIL_KIND_COUNT ? kind_names[k] : NULL;
}

int mail_kind_parse(const char *name, enum mail_kind *out)
{
	for (int k = 0; name && k < MAIL_KIND_COUNT; k++)
		if (!strcmp(name, kind_names[k])) {
			*out = (enum mail_kind)k;
			return 0;
		}
	return -1;
}

bool mail_kind_is_ticket(enum mail_kind k)
{
	return k <= MAIL_SLA_BREACH;
}

const struct mail_words *mail_words_get(const char *lang)
{
	for (size_t i = 0; lang && i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(lang, words[i].lang))
			return &words[i];
	return &words[0];
}
