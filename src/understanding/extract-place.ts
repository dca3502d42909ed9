// Where the person is: a country or city said after "in", "at", "visiting", "i", "på", or "abroad"
// / "utomlands" / "hemma i Sverige". Only places in this list are recognised (a guess at a city is
// worse than asking); "not in Sweden" / "inte i Sverige" says outside.
import { findAffirmed, findNegated } from './clauses.ts';
import { foldKeepingPunctuation } from './normalise.ts';

/** Folded place name -> [its usual name, in Sweden?]. */
const PLACES = new Map<string, [string, boolean]>();
const add = (inSweden: boolean, names: string) => {
  for (const entry of names.split(',')) {
    const [written, ...aliases] = entry.split('|').map((s) => s.trim());
    if (!written) continue;
    for (const a of [written, ...aliases]) PLACES.set(foldKeepingPunctuation(a), [written, inSweden]);
  }
};
add(
  true,
  'Sweden|Sverige|sverge|swe, Uppsala|upsala, Stockholm|sthlm, Gothenburg|Göteborg|goteborg|gbg, Malmö, Lund, Umeå, Linköping|linkoping, Örebro, Västerås, Luleå, Karlstad, Sundsvall, Gävle, Visby, Kiruna, Norrköping, Jönköping, Växjö, Halmstad, Östersund, Borås, Kalmar, Skövde, Falun, Solna, Kista, Södertälje, Enköping, Sigtuna, Knivsta, Ultuna, Alnarp, Abisko, Onsala',
);
add(
  false,
  'Norway|Norge, Oslo, Bergen, Trondheim, Tromsø, Denmark|Danmark, Copenhagen|Köpenhamn|kobenhavn, Aarhus, Finland, Helsinki|Helsingfors, Turku|Åbo, Tampere, Iceland|Island, Reykjavik, Estonia|Estland, Tallinn, Latvia|Lettland, Riga, Lithuania|Litauen, Vilnius, Germany|Tyskland|Deutschland, Berlin, Munich|München, Hamburg, Heidelberg, Frankfurt, Cologne|Köln, Dresden, Bonn, Göttingen, France|Frankrike, Paris, Lyon, Grenoble, Marseille, Toulouse, Strasbourg, Netherlands|Nederländerna|Holland, Amsterdam, Utrecht, Leiden, Delft, Rotterdam, Belgium|Belgien, Brussels|Bryssel, Leuven, Switzerland|Schweiz, Zurich|Zürich, Geneva|Genève|Genf, Basel, Lausanne, Bern, CERN, Austria|Österrike, Vienna|Wien, Italy|Italien, Rome|Rom|Roma, Milan|Milano, Bologna, Trieste, Spain|Spanien, Madrid, Barcelona, Portugal, Lisbon|Lissabon, Porto, Poland|Polen, Warsaw|Warszawa, Krakow|Kraków, Czechia|Tjeckien, Prague|Prag, Hungary|Ungern, Budapest, Greece|Grekland, Athens|Aten, UK|United Kingdom|Storbritannien|England|Britain, Scotland|Skottland, London, Cambridge, Oxford, Edinburgh, Manchester, Ireland|Irland, Dublin, USA|United States|the US|the states|amerika, Boston, New York, California|Kalifornien, Seattle, Chicago, Canada|Kanada, Toronto, Montreal, Vancouver, Mexico, Brazil|Brasilien, Argentina, Chile, China|Kina, Beijing|Peking, Shanghai, Japan, Tokyo, Korea|Sydkorea, Seoul, India|Indien, Bangalore, Singapore, Australia|Australien, Sydney, Melbourne, New Zealand|Nya Zeeland, South Africa|Sydafrika, Egypt|Egypten, Kenya, Nairobi, Israel, Turkey|Turkiet, Istanbul, Iran, Russia|Ryssland, Ukraine|Ukraina, Thailand, Vietnam, Indonesia|Indonesien, Pakistan, Bangladesh, Ethiopia|Etiopien, Nigeria',
);

const NAMES = [...PLACES.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const placeAfter = (at: string) => new RegExp(`\\b${at} (?:(?:a|an|the|en|ett) )?(?:(?:lab|university|conference|workshop|institute|group|company|hotel|labb|universitet|konferens|institut)(?:et|en)? (?:in|at|i|pa) )?(${NAMES.join('|')})\\b`);
// Where someone is beats where they come from ("from Norway, now in Uppsala").
const PLACE_AFTER = [placeAfter('(?:in|at|visiting|to|near|i|pa|till|besoker)'), placeAfter('(?:from|fran)')];
const ABROAD = /\b(?:abroad|overseas|outside (?:of )?sweden|out of the country|utomlands|utanfor sverige|utanfor landet|i utlandet)\b/;
const HOME = /\b(?:in sweden|i sverige|inside sweden|inom sverige|hemma i sverige)\b/;

export interface PlaceSlots {
  /** The place as typed, in lower case ("tyskland", "göteborg", "new york"). */
  place?: string;
  inSweden?: boolean;
}

// The first word of every place name: a clause without one names no place (the long pattern is skipped).
const FIRST_WORDS = new Set([...PLACES.keys()].map((n) => n.split(' ')[0] as string));
const HAS_ABROAD_WORD = /\b(?:abroad|overseas|outside|out of the country|utomlands|utanfor|utlandet)\b/;

/** The words of `text` that fold to `key`, as typed (lower case, å/ä/ö kept). */
function asTyped(text: string, key: string): string {
  const words = text.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const folded = words.map((w) => foldKeepingPunctuation(w));
  const n = key.split(' ').length;
  for (let i = 0; i + n <= words.length; i++) if (folded.slice(i, i + n).join(' ') === key) return words.slice(i, i + n).join(' ');
  return key;
}

export function extractPlace(clauses: readonly string[], text = ''): PlaceSlots {
  if (!clauses.some((c) => HAS_ABROAD_WORD.test(c) || c.split(' ').some((w) => FIRST_WORDS.has(w)))) return {};
  // "not in Sweden", "inte i Sverige": outside, without a place.
  if (findNegated(clauses, HOME)) return { inSweden: false };
  const abroad = findAffirmed(clauses, ABROAD) !== undefined;
  const m = findAffirmed(clauses, PLACE_AFTER[0] as RegExp) ?? findAffirmed(clauses, PLACE_AFTER[1] as RegExp);
  if (m?.[1]) {
    const [, inSweden] = PLACES.get(m[1]) as [string, boolean];
    // "outside Sweden" names Sweden and says the opposite.
    return abroad && inSweden ? { inSweden: false } : { place: asTyped(text, m[1]), inSweden };
  }
  return abroad ? { inSweden: false } : {};
}
