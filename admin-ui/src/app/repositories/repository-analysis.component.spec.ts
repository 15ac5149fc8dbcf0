import { shownMatches } from './repository-analysis.component';

interface Offer {
  package_name: string;
}

const offers = (...names: string[]): Offer[] => names.map((package_name) => ({ package_name }));
const nameOf = (offer: Offer) => offer.package_name;

describe('shownMatches', () => {
  it('keeps the packages whose name contains the needle, whatever the case of the name', () => {
    const matched = shownMatches(offers('Linux', 'linux-firmware', 'mesa', 'util-linux'), nameOf, 'linux');
    expect(matched.map(nameOf)).toEqual(['Linux', 'linux-firmware', 'util-linux']);
  });

  it('shows everything for an empty needle and nothing for a missing list', () => {
    expect(shownMatches(offers('glibc', 'vim'), nameOf, '').map(nameOf)).toEqual(['glibc', 'vim']);
    expect(shownMatches<Offer>(undefined, nameOf, 'vim')).toEqual([]);
  });

  it('shows at most the first 300 matches, in their order', () => {
    const many = offers(...Array.from({ length: 1000 }, (_, i) => `python-pkg-${i}`));
    const matched = shownMatches(many, nameOf, 'python');
    expect(matched).toHaveLength(300);
    expect([nameOf(matched[0]), nameOf(matched[299])]).toEqual(['python-pkg-0', 'python-pkg-299']);
  });
});
