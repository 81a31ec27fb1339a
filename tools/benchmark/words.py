"""Word lists for generated ticket text: everyday help-desk vocabulary in
English, Dutch and Swedish, most frequent first (the generator draws them
with Zipf-like weights, so early words are common and late ones rare)."""

EN = """
the to and a of is in it not on for we with this that i you our be from
have at can when after since my as are was but or please an all no still
does the error again user users system printer login password account
access email mail server network connection screen file files report
invoice order customer application update version page button laptop
phone meeting calendar folder share drive backup database data problem
issue help request working broken slow fails failed failing cannot unable
new old today yesterday morning afternoon week monday tuesday wednesday
thursday friday office colleague colleagues team department manager
support ticket call message attached attachment screenshot log logs
restart restarted install installed upgrade configuration settings setting
permission permissions license licence vpn wifi wireless internet browser
chrome firefox edge windows linux mac outlook teams excel word sheet
document documents print printing scan scanner copy export import sync
synchronisation timeout crash crashes freeze frozen loading blank white
black red message notification warning code number reference contract
customer's supplier delivery shipment payment payments salary payroll
holiday schedule planning project projects production test acceptance
environment release deploy deployment change changes request approval
approve approved rejected manager's signature certificate expired expires
renew renewal token key keys door badge card reader camera microphone
headset audio video sound volume display monitor second dock docking
keyboard mouse battery charger cable power outage electricity building
floor room kitchen coffee machine parking garage elevator heating cooling
temperature quickly urgent asap important critical blocked blocking
everyone nobody somebody nothing everything sometimes always never often
works worked seems looks think know need needs want wants tried trying
checked checking found see saw told asked answer answered reply replied
thanks thank regards kind best hello hi dear sorry unfortunately
""".split()

NL = """
de het een en van is in niet op te voor we met dit dat ik u onze zijn
uit hebben bij kan wanneer na sinds mijn als zijn was maar of graag alle
geen nog doet fout opnieuw gebruiker gebruikers systeem printer inloggen
wachtwoord account toegang e-mail mail server netwerk verbinding scherm
bestand bestanden rapport factuur bestelling klant applicatie update
versie pagina knop laptop telefoon vergadering agenda map schijf back-up
database gegevens probleem storing hulp verzoek werkt kapot traag mislukt
lukt kan niet vandaag gisteren ochtend middag week maandag dinsdag
woensdag donderdag vrijdag kantoor collega collega's afdeling manager
ondersteuning melding bellen bericht bijlage schermafbeelding logboek
herstarten opnieuw opgestart installeren geïnstalleerd upgrade instellingen
instelling rechten licentie vpn wifi draadloos internet browser windows
outlook teams excel word werkblad document documenten afdrukken printen
scannen kopiëren exporteren importeren synchronisatie time-out crasht
vastgelopen laden leeg wit zwart rood waarschuwing code nummer referentie
contract leverancier levering zending betaling betalingen salaris
salarisadministratie vakantie rooster planning project projecten productie
test acceptatie omgeving release uitrol wijziging wijzigingen aanvraag
goedkeuring goedgekeurd afgewezen handtekening certificaat verlopen
verloopt verlengen verlenging sleutel deur pasje kaartlezer camera
microfoon koptelefoon geluid beeld volume monitor tweede dockingstation
toetsenbord muis accu oplader kabel stroomstoring gebouw verdieping ruimte
keuken koffieautomaat parkeergarage lift verwarming koeling temperatuur
snel dringend belangrijk kritiek geblokkeerd iedereen niemand iemand
niets alles soms altijd nooit vaak werkte lijkt denk weet nodig wil
geprobeerd gecontroleerd gevonden gezien gevraagd antwoord beantwoord
bedankt dank groeten vriendelijke hallo beste helaas café één privé
""".split()

SV = """
och att det i en som är på för med inte vi jag till av den har kan när
efter sedan min vår men eller snälla alla ingen fortfarande gör fel igen
användare användarna systemet skrivare skrivaren inloggning lösenord
lösenordet konto åtkomst e-post server nätverk anslutning skärm skärmen
fil filer rapport faktura beställning kund applikation uppdatering
version sida knapp bärbar telefon möte kalender mapp enhet säkerhetskopia
databas data problem ärende hjälp begäran fungerar trasig långsam
misslyckades misslyckas går inte idag igår morgon eftermiddag vecka
måndag tisdag onsdag torsdag fredag kontor kollega kollegor avdelning
chef support samtal meddelande bilaga skärmbild logg loggar starta om
omstart installera installerad uppgradering inställningar inställning
behörighet behörigheter licens vpn wifi trådlöst internet webbläsare
windows outlook teams excel word kalkylblad dokument utskrift skriva ut
skanna kopiera exportera importera synkronisering överföring överföringen
tidsgräns kraschar fryser laddar tom vit svart röd varning kod nummer
referens avtal leverantör leverans försändelse betalning betalningar lön
lönehantering semester schema planering projekt produktion test
acceptans miljö release driftsättning ändring ändringar ansökan
godkännande godkänd avvisad underskrift certifikat utgånget går ut
förnya förnyelse nyckel dörr passerkort kortläsare kamera mikrofon
headset ljud bild volym bildskärm andra dockningsstation tangentbord mus
batteri laddare kabel strömavbrott byggnad våning rum kök kaffemaskin
parkering garage hiss värme kyla temperatur snabbt brådskande viktigt
kritiskt blockerad alla ingen någon ingenting allt ibland alltid aldrig
ofta fungerade verkar tror vet behöver vill försökt kontrollerat hittade
såg frågade svar svarade tack hälsningar vänliga hej tyvärr
""".split()

FIRST = """Anna Emma Lars Johan Sanne Pieter Daan Sofie Erik Ingrid Maria
Jan Karin Nils Lotte Bram Eva Olof Astrid Thomas Lisa Mark Femke Sven Maja
Peter Linda Ruben Noor Henrik Elin Tom Julia Kees Fleur Gustav Saga David
Laura Joost Ida Björn Sara Wouter Klara Oscar Vera Michael Hanna""".split()

LAST = """Jansen Andersson de Vries Johansson Smith Bakker Karlsson Visser
Nilsson Brown Smit Eriksson Meijer Larsson Wilson de Boer Olsson Mulder
Persson Taylor de Groot Svensson Bos Gustafsson Jones Vos Pettersson Peters
Lindberg Evans Hendriks Jonsson van Dijk Lindqvist Clark Dekker Berg
Jakobsen Wright van Leeuwen Holm Walker Brouwer Ström""".split("\n")
LAST = [w for line in LAST for w in line.split()]

LANGS = {"en": EN, "nl": NL, "sv": SV}
