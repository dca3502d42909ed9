// The outcomes report for the centre (`2fa-helpdesk report`). (Swedish)
import { type Catalogue } from '../catalogue.ts';

export const report: Pick<Catalogue, 'report'> = {
  report: {
    title: 'Samtal som avslutades från {since} till {until}',
    none_ended: 'Inget samtal avslutades under perioden.',
    col_topic: 'ämne',
    col_lang: 'språk',
    col_conversations: 'samtal',
    col_solved: 'lösta',
    col_handed: 'överlämnade',
    col_staff_solved: 'lösta av personal',
    col_abandoned: 'avbrutna',
    col_out_of_scope: 'utanför området',
    col_median: 'mediantid till lösning',
    col_helped: 'hjälpte',
    all_topics: 'alla ämnen',
    no_topic: '(inget ämne)',
    topics_menu: '(ämnesmenyn)',
    helped_of: '{share} av {answers}',
    solved_how: 'Lösta utan personal, fördelat på hur (personen bekräftade, en kod godkändes, token blev aktiv, frågorna besvarades till slutet): {how}',
    gave_up: 'Där folk gav upp (det sista steget de kom till), vanligast först:',
    not_understood: 'Det boten inte förstod (koder borttagna, adresser avkortade till nätet), vanligast först:',
    comments: 'Kommentarer till "Hjälpte det här?", nyaste först:',
    none: 'inga',
    yes: 'ja',
    no: 'nej',
  },
};
